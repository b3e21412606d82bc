const preset = require('../jest.preset');

module.exports = { ...preset, displayName: 'system', rootDir: __dirname };
