import { AppError } from '../../errors/app-error';
import { ConcurrencyGate } from '../concurrency-gate';

/** A piece of work that finishes when the test says so. */
function deferred() {
  let finish!: () => void;
  const done = new Promise<void>((resolve) => (finish = resolve));
  return { work: () => done, finish };
}

describe('ConcurrencyGate', () => {
  const busy = { code: 'BUSY', message: 'busy', retryAfterSeconds: 2 };

  it('runs at most maxActive at once, queues up to maxWaiting, and refuses beyond with 503 Retry-After', async () => {
    const gate = new ConcurrencyGate(2, 1, busy);
    const jobs = [deferred(), deferred(), deferred()];
    const running = jobs.map((job) => gate.run(job.work));
    await Promise.resolve();
    expect(gate.load).toEqual({ active: 2, waiting: 1 });

    const refused = await gate.run(async () => 'never').catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ status: 503, code: 'BUSY', headers: { 'Retry-After': '2' } });

    jobs[0]!.finish();
    await running[0];
    // The waiting job took the freed slot.
    expect(gate.load).toEqual({ active: 2, waiting: 0 });
    jobs[1]!.finish();
    jobs[2]!.finish();
    await Promise.all(running);
    expect(gate.load).toEqual({ active: 0, waiting: 0 });
  });

  it('frees the slot when the work fails', async () => {
    const gate = new ConcurrencyGate(1, 0, busy);
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(gate.run(async () => 'ok')).resolves.toBe('ok');
  });
});
