const preset = require('../jest.preset');

module.exports = { ...preset, displayName: 'workflows', rootDir: __dirname };
