const preset = require('../jest.preset');

module.exports = { ...preset, displayName: 'backend', rootDir: __dirname };
