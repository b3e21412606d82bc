/**
 * Shared Jest settings for every workspace. TypeScript is transformed by swc
 * (no type-checking here: `npm run typecheck` does that once for the repo).
 * Tiers by file name: *.test.ts unit, *.integration.test.ts real DB/Redis,
 * *.e2e.test.ts running processes (backend, sandbox, n8n).
 */
module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j)sx?$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript', tsx: true }, target: 'es2022', transform: { react: { runtime: 'automatic' } } },
        module: { type: 'commonjs' },
      },
    ],
  },
  // Only *.test.ts(x): a file named plain test.ts (a runner script) must never be collected.
  testMatch: ['**/*.test.ts', '**/*.test.tsx'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  moduleFileExtensions: ['ts', 'tsx', 'js', 'json'],
};
