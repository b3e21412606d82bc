import { randomUUID } from 'crypto';
import net from 'net';

import { parseRedisUrl, RedisClient } from '../../../common/redis/redis-client';
import { signMessage } from '../../../common/signature';
import { fakeWebhookContext } from '../../../test-helpers/fake-context';

type TriggerModule = typeof import('../AiPhotoTrigger.node');
type MemoryModule = typeof import('../../../common/trigger-memory');

/** The machine's Redis, as for the backend's tests; task ids are fresh UUIDs, so runs never collide. */
const REDIS_URL = process.env.REDIS_URL_TEST ?? 'redis://127.0.0.1:6379/15';
const SECRET = 'queue-mode-secret';

/**
 * One "webhook process": the node module loaded in its own module registry, so its in-process
 * memory and its Redis connection are its own, as in a second n8n process.
 */
function webhookProcess(): { trigger: TriggerModule; memory: MemoryModule } {
  let loaded: { trigger: TriggerModule; memory: MemoryModule } | undefined;
  jest.isolateModules(() => {
    loaded = {
      trigger: jest.requireActual<TriggerModule>('../AiPhotoTrigger.node'),
      memory: jest.requireActual<MemoryModule>('../../../common/trigger-memory'),
    };
  });
  return loaded as { trigger: TriggerModule; memory: MemoryModule };
}

const processes = [webhookProcess(), webhookProcess()];

function dispatch(
  into: { trigger: TriggerModule },
  taskId: string,
  redisUrl: string | undefined,
  headers?: Record<string, string>,
) {
  const body = JSON.stringify({ taskId, type: 'model_pose12' });
  const { context, response } = fakeWebhookContext({
    credentials: { baseUrl: 'http://127.0.0.1:3000', sharedSecret: SECRET, ...(redisUrl ? { redisUrl } : {}) },
    headers: headers ?? signMessage(SECRET, 'dispatch', body),
    rawBody: Buffer.from(body),
  });
  return new into.trigger.AiPhotoTrigger().webhook.call(context).then((result) => ({ result, response, body }));
}

const redis = new RedisClient(parseRedisUrl(REDIS_URL));
afterAll(() => {
  for (const p of processes) p.memory.closeTriggerMemory();
  redis.close();
});

describe('AI Photo Trigger with Redis (queue mode: several webhook processes)', () => {
  it('a resent dispatch landing on another process starts nothing: one run in all', async () => {
    const taskId = randomUUID();
    const [a, b] = processes;
    const first = await dispatch(a, taskId, REDIS_URL);
    const resent = await dispatch(b, taskId, REDIS_URL);
    const again = await dispatch(a, taskId, REDIS_URL);
    expect(first.response).toEqual({ statusCode: 202, body: { accepted: true, taskId } });
    expect(first.result.workflowData).toHaveLength(1);
    for (const later of [resent, again]) {
      expect(later.response).toEqual({ statusCode: 202, body: { accepted: true, taskId, duplicate: true } });
      expect(later.result.workflowData).toBeUndefined();
    }
    // The memory is Redis's, with Redis's own expiry (6 h), under the documented prefix.
    const ttl = (await redis.command(['PTTL', `aiphoto:trigger:task:${taskId}`])) as number;
    expect(ttl).toBeGreaterThan(6 * 3600 * 1000 - 60_000);
  });

  it('the same dispatch delivered to two processes at once starts exactly one run', async () => {
    const taskIds = Array.from({ length: 20 }, () => randomUUID());
    const results = await Promise.all(
      taskIds.flatMap((taskId) => processes.map((p) => dispatch(p, taskId, REDIS_URL))),
    );
    const started = results.filter((r) => r.result.workflowData);
    expect(started).toHaveLength(taskIds.length);
    expect(new Set(started.map((r) => (r.response.body as { taskId: string }).taskId))).toEqual(new Set(taskIds));
  });

  it('a replayed request (same nonce) is refused by the other process too', async () => {
    const taskId = randomUUID();
    const body = JSON.stringify({ taskId, type: 'model_pose12' });
    const headers = signMessage(SECRET, 'dispatch', body);
    const first = await dispatch(processes[0], taskId, REDIS_URL, headers);
    const replay = await dispatch(processes[1], taskId, REDIS_URL, headers);
    expect(first.response.statusCode).toBe(202);
    expect(replay.response).toEqual({
      statusCode: 401,
      body: { error: { code: 'NONCE_REPLAYED', message: 'This request was already received (nonce reused)' } },
    });
    expect(replay.result.workflowData).toBeUndefined();
  });

  it('without a Redis URL each process has its own memory (why queue mode needs one)', async () => {
    const taskId = randomUUID();
    const runs = [await dispatch(processes[0], taskId, undefined), await dispatch(processes[1], taskId, undefined)];
    expect(runs.map((r) => Boolean(r.result.workflowData))).toEqual([true, true]);
    // …while one process alone still remembers it.
    expect((await dispatch(processes[0], taskId, undefined)).result.workflowData).toBeUndefined();
  });

  it('Redis unreachable: 503 SHARED_STATE_UNAVAILABLE and nothing starts; the resend after it returns runs once', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    const taskId = randomUUID();
    const down = await dispatch(processes[0], taskId, `redis://127.0.0.1:${port}/0`);
    expect(down.response.statusCode).toBe(503);
    expect(down.response.body).toMatchObject({ error: { code: 'SHARED_STATE_UNAVAILABLE' } });
    expect(down.result.workflowData).toBeUndefined();
    // The backend's outbox resends (fresh nonce) to a process that reaches Redis: it runs, once.
    expect((await dispatch(processes[1], taskId, REDIS_URL)).result.workflowData).toHaveLength(1);
    expect((await dispatch(processes[0], taskId, REDIS_URL)).result.workflowData).toBeUndefined();
  });

  it('a malformed Redis URL in the credential is a 500 naming the problem, not a start', async () => {
    const result = await dispatch(processes[0], randomUUID(), 'rediss://secure:6380');
    expect(result.response).toEqual({
      statusCode: 500,
      body: {
        error: {
          code: 'REDIS_URL_INVALID',
          message: "The credential's Redis URL: rediss:// (TLS) is not supported: use redis:// on a private network",
        },
      },
    });
    expect(result.result.workflowData).toBeUndefined();
  });

  it('an unsigned request never reaches Redis', async () => {
    const taskId = randomUUID();
    const result = await dispatch(processes[0], taskId, REDIS_URL, {});
    expect(result.response.statusCode).toBe(401);
    expect(await redis.command(['EXISTS', `aiphoto:trigger:task:${taskId}`])).toBe(0);
  });
});
