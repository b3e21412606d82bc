const preset = require('../jest.preset');

module.exports = { ...preset, displayName: 'web', rootDir: __dirname };
