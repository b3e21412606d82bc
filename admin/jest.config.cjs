const path = require('node:path');
const preset = require('../jest.preset');

// `@shared/*` is the portal's shared client folder (see vite.config.ts and tsconfig.json).
module.exports = {
  ...preset,
  displayName: 'admin',
  rootDir: __dirname,
  moduleNameMapper: { '^@shared/(.*)$': path.join(__dirname, '../web/src/common/$1') },
};
