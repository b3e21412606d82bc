/**
 * Shared Jest settings for every workspace. TypeScript is transformed by swc
 * (no type-checking here: `npm run typecheck` does that once for the repo).
 * Tiers by file name: *.test.ts unit, *.integration.test.ts real DB/Redis,
 * *.e2e.test.ts running processes (backend, sandbox, n8n).
 */
const path = require('node:path');

const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', tsx: true },
      target: 'es2022',
      transform: { react: { runtime: 'automatic' } },
    },
    module: { type: 'commonjs' },
  },
];

// nock 15 and parts of its @mswjs/interceptors dependency tree ship ES modules only; Jest runs
// CommonJS on Node 20, so those packages go through swc like our own sources.
const esmOnly = ['nock', '@mswjs', 'rettime', '@open-draft', 'outvariant', 'strict-event-emitter', 'is-node-process'];

module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j)sx?$': swc, '^.+\\.mjs$': swc },
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnly.join('|')})/)`],
  // Every project: nock's Node 20 polyfill; each unit test file starts with only loopback
  // reachable (jest/network.ts) and ends with nock undone (one worker runs files of several
  // projects in turn; a stale interceptor would break the next file's HTTP).
  setupFiles: [path.join(__dirname, 'jest/core-patches.js'), path.join(__dirname, 'jest/nock-setup.js')],
  setupFilesAfterEnv: [path.join(__dirname, 'jest/after-env.js')],
  // Only *.test.ts(x): a file named plain test.ts (a runner script) must never be collected.
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  // A generous ceiling, not a measurement: CI shares 2 cores with MariaDB, Redis and n8n, and
  // a hook that opens a database or starts a sandbox can take several seconds there.
  testTimeout: 30_000,
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'mjs', 'json'],
};
