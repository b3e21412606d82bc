/**
 * `npm run bench [-- --quick] [-- --db=sqlite|mysql] [-- --only=<case>,…] [-- --profile]`
 *
 * Runs every case of `cases/` on SQLite (embedded) and on MariaDB + Redis, each server in its own
 * process and the load generator in this one, and prints ONE table whose every row is a ratio to
 * a ceiling measured in the same run (so a busy machine moves both sides alike). `--profile`
 * writes a V8 CPU profile per backend process (open it in Chrome DevTools or speedscope).
 * The table is also saved as JSON under test-artifacts/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildArtifacts, REPO_ROOT } from '../stack';
import { openEnvironment } from './context';
import { loadCases, type BenchPhase, type DbKind } from './registry';
import { startBenchSystem } from './system';
import { renderTable, type TableRow } from './table';

function argument(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const dbs = (argument('db')?.split(',') ?? ['sqlite', 'mysql']) as DbKind[];
  const only = argument('only')?.split(',');
  const artifacts = path.join(REPO_ROOT, 'test-artifacts');
  const profileDir = process.argv.includes('--profile')
    ? path.join(artifacts, `bench-profiles-${Date.now()}`)
    : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });

  const started = Date.now();
  const loadBefore = load();
  // As npm start: the n8n node package is rebuilt every time (quick; a stale build fails to load).
  buildArtifacts((m) => console.log(`[bench] ${m}`));
  const cases = await loadCases(only);
  const system = await startBenchSystem({ profileDir });
  const rows: TableRow[] = [];
  try {
    for (const db of dbs) {
      const env = await openEnvironment(system, db, quick);
      try {
        for (const phase of ['api', 'flow', 'own'] as BenchPhase[]) {
          const todo = cases.filter((c) => c.phase === phase && (c.dbs ?? ['sqlite', 'mysql']).includes(db));
          if (!todo.length) continue;
          await env.enterPhase(phase);
          for (const c of todo) {
            const t = Date.now();
            console.log(`[bench] ${db} ${phase}: ${c.name}…`);
            for (const row of await c.run(env.ctx())) rows.push({ ...row, db, case: c.name });
            console.log(`[bench] ${db} ${phase}: ${c.name} done (${((Date.now() - t) / 1000).toFixed(0)} s)`);
          }
        }
      } finally {
        await env.close();
      }
    }
  } catch (err) {
    // Whatever was measured before the failure is still worth seeing.
    if (rows.length) console.log(`\npartial table (the run failed):\n\n${renderTable(rows)}\n`);
    throw err;
  } finally {
    await system.close();
  }

  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  const title =
    `AI Photo bench${quick ? ' (quick)' : ''}: ${os.cpus().length} cores, load average ${loadBefore} before, ` +
    `${load()} after, ${minutes} min; ratio = value ÷ ceiling (ceiling ÷ value for times), higher is better`;
  console.log(`\n${title}\n\n${renderTable(rows)}\n`);
  mkdirSync(artifacts, { recursive: true });
  const file = path.join(artifacts, `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  writeFileSync(file, JSON.stringify({ title, quick, rows }, null, 2));
  console.log(
    `saved ${path.relative(REPO_ROOT, file)}${profileDir ? `; CPU profiles in ${path.relative(REPO_ROOT, profileDir)}` : ''}`,
  );
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (err: unknown) => {
    console.error('bench failed:', err);
    process.exit(1);
  },
);
