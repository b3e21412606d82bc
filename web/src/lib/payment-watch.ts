import type { Order } from '../api';

export type PaymentOutcome =
  { kind: 'paid'; order: Order } | { kind: 'ended'; order: Order } | { kind: 'timeout' } | { kind: 'aborted' };

export interface WatchOptions {
  intervalMs?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

// Browser code: node:timers/promises does not exist here.
const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Polls an order until it is paid or ends (closed/failed), every 2 s for up to 30 s by default
 * (docs/architecture.md §9). A read that fails (network) is simply tried again on the next tick.
 */
export async function watchOrder(read: () => Promise<Order>, options: WatchOptions = {}): Promise<PaymentOutcome> {
  const { intervalMs = 2000, timeoutMs = 30_000, signal, sleep = defaultSleep, now = Date.now } = options;
  const deadline = now() + timeoutMs;
  while (!signal?.aborted) {
    try {
      const order = await read();
      if (order.status === 'paid') return { kind: 'paid', order };
      if (order.status === 'closed' || order.status === 'failed') return { kind: 'ended', order };
    } catch {
      // transient: the next tick reads again
    }
    if (now() + intervalMs > deadline) return { kind: 'timeout' };
    await sleep(intervalMs);
  }
  return { kind: 'aborted' };
}
