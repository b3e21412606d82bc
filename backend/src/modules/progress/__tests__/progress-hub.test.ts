import { MemoryKeyValueStore } from '../../../infra/kv';
import { createLogger } from '../../../infra/logger';
import { ProgressHub, type ProgressEvent } from '../progress-hub';

/** Counts the KV subscriptions the hub opens and closes. */
class CountingStore extends MemoryKeyValueStore {
  opened: string[] = [];
  closed: string[] = [];
  override async subscribe(channel: string, onMessage: (message: string) => void) {
    this.opened.push(channel);
    const unsubscribe = await super.subscribe(channel, onMessage);
    return async () => {
      this.closed.push(channel);
      await unsubscribe();
    };
  }
}

const event = (taskId: string, progress = 10): ProgressEvent => ({ taskId, status: 'processing', progress });

describe('ProgressHub', () => {
  let kv: CountingStore;
  let hub: ProgressHub;

  beforeEach(() => {
    kv = new CountingStore();
    hub = new ProgressHub(kv, createLogger('silent'));
  });

  afterEach(() => kv.close());

  it("delivers a user's events to every listener of that user and to no one else", async () => {
    const tabA: ProgressEvent[] = [];
    const tabB: ProgressEvent[] = [];
    const other: ProgressEvent[] = [];
    await hub.subscribe('u1', (e) => tabA.push(e));
    await hub.subscribe('u1', (e) => tabB.push(e));
    await hub.subscribe('u2', (e) => other.push(e));

    await hub.publish('u1', { ...event('t1', 100), status: 'done', resultUrls: ['https://x/1.png'] });
    expect(tabA).toEqual([{ taskId: 't1', status: 'done', progress: 100, resultUrls: ['https://x/1.png'] }]);
    expect(tabB).toEqual(tabA);
    expect(other).toEqual([]);
  });

  it('holds one KV subscription per user, released when the last listener leaves', async () => {
    const first = await hub.subscribe('u1', () => undefined);
    const second = await hub.subscribe('u1', () => undefined);
    expect(kv.opened).toEqual(['progress:u1']);
    expect(hub.listenerCount('u1')).toBe(2);

    await first();
    await first(); // releasing twice must not steal the other listener's reference
    expect(kv.closed).toEqual([]);
    expect(hub.listenerCount('u1')).toBe(1);

    await second();
    expect(kv.closed).toEqual(['progress:u1']);
    expect(hub.subscribedUsers()).toBe(0);

    await hub.subscribe('u1', () => undefined);
    expect(kv.opened).toEqual(['progress:u1', 'progress:u1']);
  });

  it('shares a subscription that is still being opened', async () => {
    const received: string[] = [];
    await Promise.all([
      hub.subscribe('u1', (e) => received.push(`a:${e.taskId}`)),
      hub.subscribe('u1', (e) => received.push(`b:${e.taskId}`)),
    ]);
    expect(kv.opened).toHaveLength(1);
    await hub.publish('u1', event('t9'));
    expect(received.sort()).toEqual(['a:t9', 'b:t9']);
  });

  it('refuses malformed events on publish and drops malformed ones from the wire', async () => {
    const received: ProgressEvent[] = [];
    await hub.subscribe('u1', (e) => received.push(e));
    await expect(
      hub.publish('u1', { taskId: 't1', status: 'exploded', progress: 5 } as unknown as ProgressEvent),
    ).rejects.toThrow();
    await expect(hub.publish('u1', event('t1', 101))).rejects.toThrow();
    await kv.publish('progress:u1', 'not json');
    await kv.publish('progress:u1', JSON.stringify({ taskId: 't1' }));
    await hub.publish('u1', event('t2'));
    expect(received.map((e) => e.taskId)).toEqual(['t2']);
  });

  it('keeps delivering to other listeners when one throws', async () => {
    const received: string[] = [];
    await hub.subscribe('u1', () => {
      throw new Error('broken socket');
    });
    await hub.subscribe('u1', (e) => received.push(e.taskId));
    await hub.publish('u1', event('t3'));
    expect(received).toEqual(['t3']);
  });
});
