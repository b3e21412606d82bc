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
    const refused = Object.entries(result.statuses).filter(([status]) => status !== '200');
    if (refused.length)
      throw new Error(`the trivial webhook answered ${refused.map(([s, n]) => `${n}× ${s}`).join(', ')}`);
  };
  const warm = (await hits()) + 10;
  await fire(10);
  await until('trivial warm-up', 120_000, async () => (await hits()) >= warm);
  const target = (await hits()) + o.count;
  const meter = await roleCpuMeter(o.pids);
  const started = performance.now();
  await fire(o.count);
  await until('trivial workflow executions', 300_000, async () => (await hits()) >= target);
  const seconds = (performance.now() - started) / 1000;
  return {
    perSecond: o.count / seconds,
    cpuMsPerExecution: Object.fromEntries(
      Object.entries(await meter.stop()).map(([role, s]) => [role, (s * 1000) / o.count]),
    ),
  };
}

export function sumOf(values: Record<string, number>): number {
  return Object.values(values).reduce((a, b) => a + b, 0);
}
