/**
 * basic_clean end to end (create → n8n → sandbox CI, precomputed → signed callbacks → done)
 * against n8n's own ceiling on the same n8n: a trivial workflow (Webhook answering at once → one
 * HTTP Request to a local receiver). Also the CPU each process spends per task.
 */
import type { BenchContext } from '../context';
import { fromDbTime } from '../../../backend/src/db/time';
import { latencyOf } from '../load';
import { cpuMeter } from '../proc';
import type { BenchCase } from '../registry';
import { garmentPhotos, uploadAll } from '../seed';
import { trivialCeiling, until } from '../trivial';

const BATCH = 50;

const basicClean: BenchCase = {
  name: 'basic_clean end to end',
  phase: 'flow',
  order: 10,
  async run(ctx) {
    const count = ctx.quick ? BATCH : 3 * BATCH;
    // The ceiling and the window must hold only their own work: a task still open in the database
    // (left by an earlier phase) would be dispatched or timed out by the backend meanwhile.
    const openBeforeCeiling = await openTasks(ctx);
    const n8n = await ctx.system.n8n(ctx.backend.url);
    const trivial = await trivialCeiling({
      bareUrl: ctx.system.bare.url,
      n8nWebhookUrl: n8n.url,
      pids: () => ({ n8n: [n8n.running.pid] }),
      count,
      connections: BATCH,
    });
    const ceiling = { perSecond: trivial.perSecond, n8nCpuMs: trivial.cpuMsPerExecution.n8n };

    const merchant = await ctx.merchant(count);
    const inputKeys = await uploadAll(ctx, merchant.token, await garmentPhotos(count, 5000));
    const othersOpen = await openTasks(ctx);
    const cpu = cpuMeter({ backend: ctx.backend.pid, n8n: n8n.running.pid, sandbox: ctx.system.sandbox.pid });
    const rssBefore = ctx.backendRss();
    const started = performance.now();
    const ids = await ctx.profiled('basic_clean', async () => {
      const batches = await Promise.all(
        Array.from({ length: count / BATCH }, (_, i) =>
          ctx.api<{ batchId: string }>('POST', '/api/v1/tasks', {
            token: merchant.token,
            body: { type: 'basic_clean', inputKeys: inputKeys.slice(i * BATCH, (i + 1) * BATCH) },
          }),
        ),
      );
      const batchIds = batches.map((b) => b.batchId);
      const marks = batchIds.map(() => '?').join(', ');
      await until('basic_clean tasks finished', 600_000, async () => {
        const [row] = (await ctx.ds.query(
          `SELECT COUNT(*) AS n FROM tasks WHERE batch_id IN (${marks}) AND status IN ('done', 'failed', 'canceled')`,
          batchIds,
        )) as Array<{ n: number | string }>;
        return Number(row.n) >= count;
      });
      return batchIds;
    });
    const marks = ids.map(() => '?').join(', ');
    const seconds = (performance.now() - started) / 1000;
    const used = cpu.stop();
    const othersOpenAfter = await openTasks(ctx);
    const tasks = (await ctx.ds.query(
      `SELECT status, created_at, finished_at FROM tasks WHERE batch_id IN (${marks})`,
      ids,
    )) as Array<{
      status: string;
      created_at: string;
      finished_at: string;
    }>;
    const done = tasks.filter((t) => t.status === 'done').length;
    const latency = latencyOf(
      tasks.map((t) => (fromDbTime(t.finished_at)?.getTime() ?? 0) - (fromDbTime(t.created_at)?.getTime() ?? 0)),
    );
    const perTask = (s: number) => (s * 1000) / count;
    const value = count / seconds;
    const rssMiB = { before: rssBefore, after: ctx.backendRss() };
    const cpuNote =
      `CPU per task: backend ${perTask(used.backend).toFixed(1)} ms, n8n ${perTask(used.n8n).toFixed(1)} ms, ` +
      `sandbox ${perTask(used.sandbox).toFixed(1)} ms (trivial workflow: n8n ${ceiling.n8nCpuMs.toFixed(1)} ms per execution)`;
    return [
      {
        name: `basic_clean end to end, ${count} images in ${count / BATCH} batches of ${BATCH}`,
        value,
        unit: 'tasks/s',
        ceiling: { name: 'n8n trivial workflow (exec/s)', value: ceiling.perSecond },
        ratio: value / ceiling.perSecond,
        target: { text: '≥ 0.6', met: value / ceiling.perSecond >= 0.6 && done === count },
        latency,
        rssMiB,
        notes: [
          `${done} of ${count} done; create → done latency in the percentiles`,
          cpuNote,
          `other unfinished tasks in the database: ${openBeforeCeiling} before the n8n ceiling, ` +
            `${othersOpen} at the window's start, ${othersOpenAfter} at its end`,
        ],
      },
      {
        name: 'backend CPU per basic_clean task',
        value: perTask(used.backend),
        unit: 'ms',
        ceiling: { name: 'n8n CPU per trivial execution (ms)', value: ceiling.n8nCpuMs },
        ratio: ceiling.n8nCpuMs / perTask(used.backend),
        target: { text: '≤ 15 ms', met: perTask(used.backend) <= 15 },
        rssMiB,
      },
    ];
  },
};

/** Tasks not yet done, failed or canceled (whichever case made them). */
async function openTasks(ctx: BenchContext): Promise<number> {
  const [row] = (await ctx.ds.query(
    "SELECT COUNT(*) AS n FROM tasks WHERE status NOT IN ('done', 'failed', 'canceled')",
  )) as Array<{ n: number | string }>;
  return Number(row.n);
}

export default basicClean;
