const preset = require('../jest.preset');

module.exports = { ...preset, displayName: 'sandbox', rootDir: __dirname };
