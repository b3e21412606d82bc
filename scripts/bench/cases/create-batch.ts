/**
 * POST /api/v1/tasks with 50 images per request, against the same statements replayed on the raw
 * driver (mysql2 / better-sqlite3) on a copy of the database: what the platform adds around SQL.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { measureHttp } from '../measure';
import type { BenchCase } from '../registry';
import { garmentPhotos, uploadAll } from '../seed';
import { captureStatements, copyDatabase, replay, withFreshIds } from '../statements';

const BATCH = 50;
const CONCURRENCY = 4;

const createBatch: BenchCase = {
  name: 'create batch of 50',
  phase: 'api',
  order: 30,
  async run(ctx) {
    const batches = ctx.quick ? 12 : 40;
    const merchant = await ctx.merchant(BATCH * (2 * batches + 10));
    const inputKeys = await uploadAll(ctx, merchant.token, await garmentPhotos(BATCH, 1000));
    const body = JSON.stringify({ type: 'basic_clean', inputKeys });
    const headers = { authorization: `Bearer ${merchant.token}`, 'content-type': 'application/json' };

    const ours = await ctx.profiled('create-batch', () =>
      measureHttp(ctx, {
        url: `${ctx.backend.url}/api/v1/tasks`,
        method: 'POST',
        headers,
        body,
        connections: CONCURRENCY,
        amount: batches,
      }),
    );
    if (ours.load.statuses['201'] !== batches)
      throw new Error(`creates answered ${JSON.stringify(ours.load.statuses)}`);

    // The recording runs on a second connection to the same database: let the backend finish
    // dispatching first (on SQLite a second writer would be refused while it writes).
    for (;;) {
      const [pending] = (await ctx.ds.query("SELECT COUNT(*) AS n FROM outbox WHERE status = 'pending'")) as Array<{
        n: number | string;
      }>;
      if (Number(pending.n) === 0) break;
      await sleep(200);
    }
    const statements = await captureStatements(ctx, async (url) => {
      const res = await fetch(`${url}/api/v1/tasks`, { method: 'POST', headers, body });
      if (res.status !== 201) throw new Error(`captured create answered ${res.status}: ${await res.text()}`);
    });
    const copy = await copyDatabase(ctx);
    let seconds: number;
    try {
      const keep = new Set([merchant.userId]);
      seconds = await replay(copy.config, () => withFreshIds(statements, keep), batches, CONCURRENCY);
    } finally {
      await copy.drop();
    }
    const value = (batches * BATCH) / ours.load.seconds;
    const ceiling = (batches * BATCH) / seconds;
    const driver = ctx.db === 'mysql' ? 'raw mysql2' : 'raw better-sqlite3';
    return [
      {
        name: `POST /api/v1/tasks, ${BATCH} images per request, ${CONCURRENCY} at once`,
        value,
        unit: 'tasks/s',
        ceiling: { name: `${driver}, same ${statements.length} statements`, value: ceiling },
        ratio: value / ceiling,
        latency: { p50: ours.load.p50, p95: ours.load.p95, p99: ours.load.p99 },
        rssMiB: ours.rssMiB,
        notes: [
          `${statements.length} SQL statements per request of ${BATCH}; dispatch to a stand-in n8n runs meanwhile`,
        ],
      },
    ];
  },
};

export default createBatch;
