/**
 * 1,000 single-image creates at once (1,000 connections) by one merchant holding 100 credits:
 * exactly 100 must be accepted and 900 refused with 402, the ledger must balance, and the whole
 * storm should settle in under 2 s. Ceiling: the bare node:http server taking the same storm.
 * Both storms come from the same lean generator (`../storm.ts`: 1,000 connections started at once,
 * one pre-encoded request each), so their ratio compares the servers, not the generator's set-up.
 */
import { LedgerService } from '../../../backend/src/modules/ledger/ledger.service';
import { cpuMeter } from '../proc';
import { runStorm, type StormResult } from '../storm';
import type { BenchContext } from '../context';
import type { BenchCase } from '../registry';
import { garmentPhotos, uploadAll } from '../seed';
import { captureStatements, type Statement } from '../statements';

const REQUESTS = 1000;

const errorsOf = (storm: StormResult) =>
  Object.keys(storm.errors).length ? `, errors ${JSON.stringify(storm.errors)}` : '';
const CREDITS = 100;

const createStorm: BenchCase = {
  name: '1,000 concurrent creates, 100 credits',
  phase: 'api',
  order: 40,
  async run(ctx) {
    const merchant = await ctx.merchant(CREDITS);
    const [inputKey] = await uploadAll(ctx, merchant.token, await garmentPhotos(1, 2000));
    const storm = { method: 'POST' as const, connections: REQUESTS };
    const bare = await runStorm({ ...storm, url: `${ctx.system.bare.url}/storm`, body: '{}' });
    const rssBefore = ctx.backendRss();
    const headers = { authorization: `Bearer ${merchant.token}`, 'content-type': 'application/json' };
    const body = JSON.stringify({ type: 'basic_clean', inputKey });
    const serverBefore = await serverCounters(ctx);
    const cpu = cpuMeter({ backend: ctx.backend.pid });
    const generatorBefore = process.cpuUsage();
    const ours = await ctx.profiled('create-storm', () =>
      runStorm({ ...storm, url: `${ctx.backend.url}/api/v1/tasks`, headers, body }),
    );
    const generator = process.cpuUsage(generatorBefore);
    const backendCpuMs = cpu.stop().backend * 1000;
    const server = serverBefore && difference(serverBefore, await serverCounters(ctx));
    const rssMiB = { before: rssBefore, after: ctx.backendRss() };
    const { statuses } = ours;
    const accepted = statuses['201'] ?? 0;
    const invariant = await new LedgerService(ctx.ds).checkInvariant(merchant.userId);
    const exact =
      accepted === CREDITS && statuses['402'] === REQUESTS - CREDITS && invariant.ok && invariant.balance === 0;
    const wall = ours.seconds;
    // What one create costs the database, recorded after the storm on an in-process backend: the
    // merchant now holds 0 credits (a refusal before any transaction); a new one holding 1 is accepted.
    const refused = await statementsOf(ctx, headers, body, 402);
    const payer = await ctx.merchant(1);
    const [payerKey] = await uploadAll(ctx, payer.token, await garmentPhotos(1, 2001));
    const acceptedStatements = await statementsOf(
      ctx,
      { ...headers, authorization: `Bearer ${payer.token}` },
      JSON.stringify({ type: 'basic_clean', inputKey: payerKey }),
      201,
    );
    return [
      {
        name: `${REQUESTS} concurrent single-image creates, ${CREDITS} credits: wall time`,
        value: wall,
        unit: 's',
        ceiling: { name: `bare node:http, ${REQUESTS} concurrent (s)`, value: bare.seconds },
        ratio: bare.seconds / wall,
        target: { text: `exactly ${CREDITS} accepted, < 2 s`, met: exact && wall < 2 },
        latency: { p50: ours.p50, p95: ours.p95, p99: ours.p99 },
        rssMiB,
        broken:
          accepted > CREDITS || !invariant.ok
            ? `${accepted} accepted with ${CREDITS} credits; ${invariant.problems.join('; ')}`
            : undefined,
        notes: [
          `answers ${JSON.stringify(statuses)}${errorsOf(ours)} (bare: ${JSON.stringify(bare.statuses)}${errorsOf(bare)}); ledger ${invariant.ok ? 'balances' : `BROKEN: ${invariant.problems.join('; ')}`} (balance ${invariant.balance})`,
          `CPU over the storm: backend ${backendCpuMs.toFixed(0)} ms (${((backendCpuMs * 1000) / REQUESTS).toFixed(0)} µs per request), generator ${((generator.user + generator.system) / 1000).toFixed(0)} ms`,
          `SQL statements per create: accepted ${acceptedStatements.length} (${verbs(acceptedStatements)}), refused on an empty account ${refused.length} (${verbs(refused)})`,
          ...(server
            ? [
                `MariaDB over the storm (server-wide: other clients' statements count too): ${Object.entries(server)
                  .map(([name, n]) => `${name} ${n}`)
                  .join(', ')}`,
              ]
            : []),
        ],
      },
    ];
  },
};

/**
 * MariaDB's own counters: how many statements, transactions rolled back (a create refused after
 * `START TRANSACTION`) and row-lock waits (creates queued behind the merchant's row lock).
 */
const COUNTERS = [
  'Questions',
  'Com_select',
  'Com_commit',
  'Com_rollback',
  'Innodb_row_lock_waits',
  'Innodb_row_lock_time',
];

async function serverCounters(ctx: BenchContext): Promise<Record<string, number> | null> {
  if (ctx.db !== 'mysql') return null;
  const found = (await ctx.ds.query(
    `SHOW GLOBAL STATUS WHERE Variable_name IN (${COUNTERS.map(() => '?').join(', ')})`,
    COUNTERS,
  )) as Array<{ Variable_name: string; Value: string }>;
  return Object.fromEntries(found.map((r) => [r.Variable_name, Number(r.Value)]));
}

function difference(before: Record<string, number>, after: Record<string, number> | null): Record<string, number> {
  return Object.fromEntries(
    COUNTERS.map((name) => [
      name === 'Innodb_row_lock_time' ? `${name} (ms)` : name,
      (after?.[name] ?? 0) - (before[name] ?? 0),
    ]),
  );
}

/** The statements one create by `headers`' merchant makes, checked to answer `status`. */
async function statementsOf(
  ctx: BenchContext,
  headers: Record<string, string>,
  body: string,
  status: number,
): Promise<Statement[]> {
  return captureStatements(
    ctx,
    async (url) => {
      const res = await fetch(`${url}/api/v1/tasks`, { method: 'POST', headers, body });
      if (res.status !== status) throw new Error(`captured create answered ${res.status}: ${await res.text()}`);
    },
    // As in the storm, the merchant's session version is already cached (GET /me reads it).
    async (url) => {
      const res = await fetch(`${url}/api/v1/me`, { headers: { authorization: headers.authorization } });
      if (!res.ok) throw new Error(`GET /me answered ${res.status}`);
    },
  );
}

/** `SELECT ×3, UPDATE` …: each statement's first word, counted, in order of first use. */
function verbs(statements: Statement[]): string {
  const counts = new Map<string, number>();
  for (const { sql } of statements) {
    const verb = /^\s*(\w+(?: TRANSACTION)?)/i.exec(sql)?.[1]?.toUpperCase() ?? '?';
    counts.set(verb, (counts.get(verb) ?? 0) + 1);
  }
  return [...counts].map(([verb, n]) => (n > 1 ? `${verb} ×${n}` : verb)).join(', ');
}

export default createStorm;
