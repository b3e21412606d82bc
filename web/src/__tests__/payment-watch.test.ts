import type { Order } from '../api';
import { watchOrder } from '../lib/payment-watch';

const order = (status: Order['status']): Order => ({
  id: 'o1',
  status,
  amountFen: 9900,
  channel: 'sandbox',
  planId: 'monthly',
  item: { kind: 'membership', planId: 'monthly' },
  createdAt: '',
  paidAt: null,
  expiresAt: '',
});

/** A clock that advances only when the watcher sleeps, so 30 s pass instantly. */
function fakeClock() {
  let now = 0;
  const sleeps: number[] = [];
  return {
    now: () => now,
    sleep: async (ms: number) => {
      sleeps.push(ms);
      now += ms;
    },
    sleeps,
  };
}

describe('watchOrder', () => {
  it('stops as soon as the order is paid', async () => {
    const clock = fakeClock();
    const reads = [order('pending'), order('pending'), order('paid')];
    const outcome = await watchOrder(async () => reads.shift()!, clock);
    expect(outcome.kind).toBe('paid');
    expect(clock.sleeps).toEqual([2000, 2000]);
  });

  it('gives up after 30 s of pending (the portal then offers a refresh)', async () => {
    const clock = fakeClock();
    const read = jest.fn(async () => order('pending'));
    expect(await watchOrder(read, clock)).toEqual({ kind: 'timeout' });
    expect(read).toHaveBeenCalledTimes(16); // at 0, 2, …, 30 s
  });

  it('reports a closed or failed order and survives a failed read', async () => {
    const clock = fakeClock();
    let calls = 0;
    const outcome = await watchOrder(async () => {
      calls += 1;
      if (calls === 1) throw new Error('network');
      return order('closed');
    }, clock);
    expect(outcome).toMatchObject({ kind: 'ended', order: { status: 'closed' } });
  });

  it('stops when aborted', async () => {
    const abort = new AbortController();
    abort.abort();
    expect(await watchOrder(async () => order('pending'), { signal: abort.signal })).toEqual({ kind: 'aborted' });
  });
});
