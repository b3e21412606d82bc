const preset = require('../jest.preset');

// nock 15 and parts of its @mswjs/interceptors dependency tree ship ES modules only; Jest runs
// CommonJS on Node 20, so those packages go through swc like our own sources.
const esmOnly = ['nock', '@mswjs', 'rettime', '@open-draft', 'outvariant', 'strict-event-emitter', 'is-node-process'];
const swc = preset.transform['^.+\\.(t|j)sx?$'];

module.exports = {
  ...preset,
  displayName: 'n8n-nodes-aiphoto',
  rootDir: __dirname,
  setupFiles: ['<rootDir>/jest.setup.js'],
  setupFilesAfterEnv: ['<rootDir>/jest.after-env.js'],
  transform: { ...preset.transform, '^.+\\.mjs$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
};
