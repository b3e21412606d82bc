/**
 * `npm test`: one Jest run over every workspace (unit, integration and e2e tiers),
 * then the totals on a line of their own — `N passed, N failed` — which CI reads.
 * Extra arguments go to Jest, e.g. `npm test -- backend/src/modules/ledger`.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '..');
const artifacts = path.join(root, 'test-artifacts');
mkdirSync(artifacts, { recursive: true });
const reportFile = path.join(artifacts, 'jest-results.json');

// Defaults point at the services on a developer machine / CI; override to use others.
process.env.MYSQL_URL ??= 'mysql://root@127.0.0.1:3306/test';
process.env.REDIS_URL_TEST ??= 'redis://127.0.0.1:6379/15';

// Build once, before any suite starts: the e2e suites load the built n8n node package and UIs,
// and two suites building the same dist/ at once would race.
for (const workspace of ['n8n-nodes-aiphoto', '@aiphoto/web', '@aiphoto/admin']) {
  const build = spawnSync('npm', ['run', 'build', '-w', workspace], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  if (build.status !== 0) {
    console.log('0 passed, 1 failed');
    console.error(`npm run build -w ${workspace} failed`);
    process.exit(1);
  }
}

const jestBin = require.resolve('jest/bin/jest');
const run = spawnSync(
  process.execPath,
  [jestBin, '--json', `--outputFile=${reportFile}`, '--maxWorkers=2', '--forceExit', ...process.argv.slice(2)],
  { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], env: process.env },
);

interface JestSummary {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numRuntimeErrorTestSuites: number;
}

let failedSuites = 0;
if (existsSync(reportFile)) {
  const summary = JSON.parse(readFileSync(reportFile, 'utf8')) as JestSummary;
  failedSuites = summary.numRuntimeErrorTestSuites;
  if (failedSuites > 0) console.log(`${failedSuites} test suite(s) failed to run`);
  console.log(`${summary.numPassedTests} passed, ${summary.numFailedTests} failed, ${summary.numPendingTests} skipped`);
} else {
  console.log('0 passed, 1 failed');
  console.error('Jest wrote no report: see the output above.');
}
process.exit(run.status ?? 1);
