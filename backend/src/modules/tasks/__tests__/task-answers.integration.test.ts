import { randomUUID } from 'node:crypto';
import { inTransaction } from '../../../db/transaction';
import { createTestUser } from '../../../testing/money-factories';
import { doneTask } from '../../../testing/task-factories';
import { createTestDatabase, drivers, type TestDatabase } from '../../../testing/test-db';
import { SignedUrlCache } from '../../media/signed-url-cache';
import type { TaskTypeDefinition } from '../../task-types/task-type.schema';
import { TaskTypesService } from '../../task-types/task-types.service';
import { TaskAnswerCache } from '../task-answers';
import type { ObjectUrlPort } from '../task-ports';
import { toTaskDto } from '../task-view';
import { TasksRepository } from '../tasks.repository';

const TTL = 1800;

describe.each(drivers)('history answers kept as JSON text on %s', (driver) => {
  let db: TestDatabase;
  const repo = new TasksRepository();
  let typeDef: TaskTypeDefinition;
  /** One clock for the URL signer's cache and the answers' cache, moved by the tests. */
  let now = Date.UTC(2026, 0, 1);
  let signed = 0;
  let urls: ObjectUrlPort;

  beforeAll(async () => {
    db = await createTestDatabase(driver);
    typeDef = await new TaskTypesService(db.ds).forCreate('basic_clean');
  });
  afterAll(() => db.drop());
  beforeEach(() => {
    // The storage service's own rule (SignedUrlCache), with URLs that tell each signing apart.
    const signer = new SignedUrlCache(1000, () => now);
    const sign = (key: string, ttl: number) => signer.entry(key, ttl, () => `http://storage.test/${key}?s=${++signed}`);
    urls = { signedUrl: (key, ttl) => sign(key, ttl).url, signedUrlReuse: sign };
  });

  const at = () => new Date(now);
  const insert = (userId: string, overrides: Parameters<typeof doneTask>[2] = {}) => {
    const id = randomUUID();
    return inTransaction(db.ds, async (tx) => {
      await repo.insert(tx, doneTask(typeDef, userId, { id, ...overrides }), at());
      return id;
    });
  };

  /** The page through the cache, required to be exactly the page built from scratch now. */
  async function page(cache: TaskAnswerCache, userId: string): Promise<string> {
    const rows = await repo.listPage(db.ds.manager, { userId, limit: 50 });
    const failed = rows.filter((r) => r.status === 'failed').map((r) => r.id);
    const retries = await repo.retriesOf(db.ds.manager, userId, failed);
    const text = cache.page(userId, rows, TTL, retries, null);
    const fresh = JSON.stringify({
      items: rows.map((r) => toTaskDto(r, urls, TTL, retries.get(r.id) ?? null)),
      nextCursor: null,
    });
    expect(text).toBe(fresh);
    return text;
  }

  it('answers a page as JSON.stringify of its built answers, and reuses the texts while nothing changed', async () => {
    const userId = await createTestUser(db.ds.manager);
    for (let i = 0; i < 3; i++) await insert(userId, { resultKeys: [`output/${userId}/${i}/main.jpg`] });
    const cache = new TaskAnswerCache(urls, 100, () => now);
    const first = await page(cache, userId);
    expect(cache.built).toBe(3);
    expect(await page(cache, userId)).toBe(first);
    expect(cache.built).toBe(3);
    // The cursor is part of the page's text, not of a task's.
    const rows = await repo.listPage(db.ds.manager, { userId, limit: 50 });
    expect(JSON.parse(cache.page(userId, rows, TTL, new Map(), 'abc')).nextCursor).toBe('abc');
    expect(cache.built).toBe(3);
  });

  it("builds a task's answer again after each change of its state, flags or retry", async () => {
    const userId = await createTestUser(db.ds.manager);
    const cache = new TaskAnswerCache(urls, 100, () => now);
    const a = await insert(userId, { status: 'queued', progress: 0, resultKeys: null });
    const b = await insert(userId, { status: 'queued', progress: 0, resultKeys: null });
    await page(cache, userId);
    /** Applies a change, then requires the page built from scratch and `rebuilt` answers built anew. */
    const after = async (rebuilt: number, change: () => Promise<unknown>) => {
      now += 1;
      const before = cache.built;
      expect(await change()).not.toBe(false);
      await page(cache, userId);
      expect(cache.built - before).toBe(rebuilt);
    };
    await after(1, () => repo.markDispatched(db.ds.manager, a, at()));
    await after(1, () => repo.updateProgress(db.ds.manager, a, 30, null, at()));
    // Two updates in the same millisecond leave `updated_at` alone: the content still tells them apart.
    const sameMs = at();
    await after(1, () => repo.updateProgress(db.ds.manager, a, 40, null, sameMs));
    await after(1, () => repo.updateProgress(db.ds.manager, a, 60, null, sameMs));
    await after(1, () => repo.complete(db.ds.manager, a, [`output/${userId}/${a}/main.jpg`], null, at()));
    await after(1, () => repo.setFlag(db.ds.manager, userId, a, 'favorite', true, at()));
    await after(1, () => repo.setFlag(db.ds.manager, userId, a, 'favorite', false, at()));
    await after(1, () =>
      repo.finishUnsuccessfully(db.ds.manager, b, 'failed', { code: 'VENDOR_ERROR', reason: 'broken' }, at()),
    );
    // A retry of the failed task: the new task is built, and the failed one's answer names it.
    let retry = '';
    await after(2, async () => {
      retry = await insert(userId, { status: 'queued', progress: 0, resultKeys: null, retryOf: b });
    });
    await after(2, () => repo.complete(db.ds.manager, retry, [`output/${userId}/${retry}/main.jpg`], null, at()));
    // Hidden: gone from the page, nothing else built.
    await after(0, () => repo.setFlag(db.ds.manager, userId, a, 'hidden', true, at()));
    const c = await insert(userId, { status: 'queued', progress: 0, resultKeys: null });
    await after(1, () =>
      repo.finishUnsuccessfully(db.ds.manager, c, 'canceled', { code: 'CANCELED', reason: 'x' }, at()),
    );
  });

  it('never serves a signed URL past the instant the URL signer would sign it anew', async () => {
    const userId = await createTestUser(db.ds.manager);
    await insert(userId, { resultKeys: [`output/${userId}/r/main.jpg`] });
    const cache = new TaskAnswerCache(urls, 100, () => now);
    const first = await page(cache, userId);
    // Reused for the slack of the lifetime (a minute of 1,800 s), to the millisecond...
    now += 60_000;
    expect(await page(cache, userId)).toBe(first);
    expect(cache.built).toBe(1);
    // ...and signed and built anew after it.
    now += 1;
    const later = await page(cache, userId);
    expect(later).not.toBe(first);
    expect(cache.built).toBe(2);
  });

  it("answers a merchant only from texts made for that merchant's own rows", async () => {
    const owner = await createTestUser(db.ds.manager);
    const other = await createTestUser(db.ds.manager);
    await insert(owner);
    await insert(other);
    const cache = new TaskAnswerCache(urls, 100, () => now);
    const own = await page(cache, owner);
    const theirs = await page(cache, other);
    expect(cache.built).toBe(2);
    const ownRows = await repo.listPage(db.ds.manager, { userId: owner, limit: 50 });
    expect(theirs).not.toContain(ownRows[0].id);
    // The same row presented for another merchant is built for them, never taken from the owner's text.
    cache.page(other, ownRows, TTL, new Map(), null);
    expect(cache.built).toBe(3);
    // ...and the owner's next page is built from scratch again, as it reads now.
    expect(await page(cache, owner)).toBe(own);
    expect(cache.built).toBe(4);
  });

  it('builds every answer when the URL port cannot say how long a URL may be kept', async () => {
    const userId = await createTestUser(db.ds.manager);
    await insert(userId);
    const plain: ObjectUrlPort = { signedUrl: (key, ttl) => urls.signedUrl(key, ttl) };
    const cache = new TaskAnswerCache(plain, 100, () => now);
    const rows = await repo.listPage(db.ds.manager, { userId, limit: 50 });
    cache.page(userId, rows, TTL, new Map(), null);
    cache.page(userId, rows, TTL, new Map(), null);
    expect(cache.built).toBe(2);
  });
});
