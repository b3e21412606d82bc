import type { Task } from '../api';
import { TaskStore } from '../lib/task-store';

const task = (over: Partial<Task> = {}): Task => ({
  id: 't1',
  batchId: 'b1',
  type: 'basic_clean',
  status: 'queued',
  progress: 0,
  params: {},
  inputKey: 'input/u1/abc.jpg',
  inputUrl: 'http://storage.test/input/u1/abc.jpg',
  inputUrls: { garment: ['http://storage.test/input/u1/abc.jpg'] },
  inputs: { garment: 'input/u1/abc.jpg' },
  resultUrls: [],
  inputName: 'abc.jpg',
  resultNames: [],
  errorCode: null,
  errorReason: null,
  failureKind: null,
  retryOf: null,
  retry: null,
  favorite: false,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
  ...over,
});

describe('TaskStore', () => {
  it('never replaces a finished task by a stale running one', () => {
    const store = new TaskStore();
    store.upsert(task({ status: 'done', progress: 100, resultUrls: ['u'] }));
    store.upsert(task({ status: 'processing', progress: 40 }));
    expect(store.get('t1')).toMatchObject({ status: 'done', progress: 100 });
  });

  it('keeps progress from going backwards while the task runs', () => {
    const store = new TaskStore();
    store.upsert(task({ status: 'processing', progress: 60 }));
    store.applyEvent({ type: 'task', taskId: 't1', status: 'processing', progress: 30 });
    expect(store.get('t1')?.progress).toBe(60);
  });

  it('reports the event that finishes a task, once', () => {
    const store = new TaskStore();
    store.upsert(task());
    expect(
      store.applyEvent({ type: 'task', taskId: 't1', status: 'failed', progress: 0, errorCode: 'VENDOR_FAILED' }),
    ).toBe(true);
    expect(
      store.applyEvent({ type: 'task', taskId: 't1', status: 'failed', progress: 0, errorCode: 'VENDOR_FAILED' }),
    ).toBe(false);
    expect(store.get('t1')).toMatchObject({ status: 'failed', errorCode: 'VENDOR_FAILED' });
  });

  it('keeps an event that arrives before its task is known and applies it on arrival', () => {
    const store = new TaskStore();
    expect(store.applyEvent({ type: 'task', taskId: 't1', status: 'done', progress: 100 })).toBe(false);
    store.upsert(task());
    expect(store.get('t1')?.status).toBe('done');
  });

  it('notifies subscribers only on real changes', () => {
    const store = new TaskStore();
    const seen = jest.fn();
    store.subscribe(seen);
    store.upsert(task());
    store.upsert(task());
    expect(seen).toHaveBeenCalledTimes(1);
    expect(store.getVersion()).toBe(1);
  });
});
