const preset = require('../jest.preset');

module.exports = { ...preset, displayName: 'n8n-nodes-aiphoto', rootDir: __dirname };
