/**
 * n8n's own ceiling: the trivial workflow (scripts/bench/system.ts: Webhook answering at once →
 * one HTTP Request to the bare server) fired at an n8n webhook URL, counted where it lands. What
 * the cases that run our workflows compare against, measured on the same n8n in the same run.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { runLoad } from './load';
import { roleCpuMeter } from './proc';
import { TRIVIAL_WEBHOOK_PATH } from './system';

/** Polls `check` every 100 ms until it holds; throws after `timeoutMs`. */
export async function until(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await sleep(100);
  }
}

export interface TrivialCeiling {
  /** Executions per second, from the first request sent to the last execution's request received. */
  perSecond: number;
  /** Requests n8n answered 503 without running anything; not counted as executions. */
  refused: number;
  /** CPU milliseconds per execution of each named process tree. */
  cpuMsPerExecution: Record<string, number>;
}

/**
 * Fires `count` trivial executions at `<n8nWebhookUrl>/webhook/…`, `connections` at a time, after
 * a warm-up of 10 (n8n loads the workflow and its nodes on first use), and waits until the bare
 * server at `bareUrl` has counted every one.
 */
export async function trivialCeiling(o: {
  bareUrl: string;
  n8nWebhookUrl: string;
  /** The processes whose CPU is measured, by role (asked for again at the end). */
  pids: () => Record<string, number[]> | Promise<Record<string, number[]>>;
  count: number;
  connections: number;
}): Promise<TrivialCeiling> {
  const hits = async () => ((await (await fetch(`${o.bareUrl}/hits`)).json()) as { hits: number }).hits;
  const fire = async (amount: number) => {
    const result = await runLoad({
      url: `${o.n8nWebhookUrl}/webhook/${TRIVIAL_WEBHOOK_PATH}`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"bench":true}',
      connections: o.connections,
      amount,
    });
    // 503: n8n refused the request before running anything ("Database is not ready!" while a
    // database ping of the webhook process missed, which a loaded machine causes); not an execution.
    const wrong = Object.entries(result.statuses).filter(([status]) => status !== '200' && status !== '503');
    if (wrong.length) throw new Error(`the trivial webhook answered ${wrong.map(([s, n]) => `${n}× ${s}`).join(', ')}`);
    return { accepted: result.statuses['200'] ?? 0, refused: result.statuses['503'] ?? 0 };
  };
  const warm = (await hits()) + (await fire(10)).accepted;
  await until('trivial warm-up', 120_000, async () => (await hits()) >= warm);
  const before = await hits();
  const meter = await roleCpuMeter(o.pids);
  const started = performance.now();
  const { accepted, refused } = await fire(o.count);
  if (!accepted) throw new Error(`n8n refused all ${o.count} trivial executions (503)`);
  await until('trivial workflow executions', 300_000, async () => (await hits()) >= before + accepted);
  const seconds = (performance.now() - started) / 1000;
  return {
    perSecond: accepted / seconds,
    refused,
    cpuMsPerExecution: Object.fromEntries(
      Object.entries(await meter.stop()).map(([role, s]) => [role, (s * 1000) / accepted]),
    ),
  };
}

export function sumOf(values: Record<string, number>): number {
  return Object.values(values).reduce((a, b) => a + b, 0);
}
