/**
 * `npm test`: one Jest run over every workspace (unit, integration and e2e tiers),
 * then the totals on a line of their own — `N passed, N failed` — which CI reads.
 * Extra arguments go to Jest, e.g. `npm test -- backend/src/modules/ledger`.
 */
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

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
// No --forceExit: every suite closes what it opens (servers, pools, Redis clients, timers), so
// Jest ends on its own. Should a handle leak again, Jest would wait for it forever; the bound
// below ends such a run once the report is written and fails it, naming the cause, instead of
// hiding the leak (what --forceExit did).
rmSync(reportFile, { force: true });
const EXIT_GRACE_MS = 60_000;

async function runJest(): Promise<{ status: number; hung: boolean }> {
  const jest = spawn(
    process.execPath,
    [jestBin, '--json', `--outputFile=${reportFile}`, '--maxWorkers=2', ...process.argv.slice(2)],
    { cwd: root, stdio: ['ignore', 'ignore', 'inherit'], env: process.env },
  );
  const exited = once(jest, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  // The report is written once every test has run; from then on Jest only has to exit.
  let reported = false;
  while (!reported) {
    const done = await Promise.race([exited.then(() => true), sleep(1000).then(() => false)]);
    if (done) break;
    reported = existsSync(reportFile);
  }
  if (reported) {
    const finished = await Promise.race([exited.then(() => true), sleep(EXIT_GRACE_MS).then(() => false)]);
    if (!finished) {
      console.error(
        `Jest did not exit ${EXIT_GRACE_MS / 1000} s after the run: a test left a handle open (server, pool, ` +
          'client or timer). Find it with `npx jest <files> --maxWorkers=1 --detectOpenHandles`.',
      );
      jest.kill('SIGKILL');
      await exited;
      return { status: 1, hung: true };
    }
  }
  const [code] = await exited;
  return { status: code ?? 1, hung: false };
}

interface JestSummary {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numRuntimeErrorTestSuites: number;
}

async function main(): Promise<void> {
  const { status, hung } = await runJest();
  let failedSuites = 0;
  if (existsSync(reportFile)) {
    const summary = JSON.parse(readFileSync(reportFile, 'utf8')) as JestSummary;
    failedSuites = summary.numRuntimeErrorTestSuites;
    if (failedSuites > 0) console.log(`${failedSuites} test suite(s) failed to run`);
    // A run that had to be ended counts as one failure, so the summary line CI reads shows it.
    const failed = summary.numFailedTests + (hung ? 1 : 0);
    console.log(`${summary.numPassedTests} passed, ${failed} failed, ${summary.numPendingTests} skipped`);
  } else {
    console.log('0 passed, 1 failed');
    console.error('Jest wrote no report: see the output above.');
  }
  process.exit(status);
}

void main();
