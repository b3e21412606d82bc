import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { hotChainsOf } from '../../app';
import { startBackend, type RunningBackend } from '../../bootstrap';
import { inTransaction } from '../../db/transaction';
import { JwtService } from '../../modules/auth/jwt.service';
import { TaskTypesService } from '../../modules/task-types/task-types.service';
import { TasksRepository } from '../../modules/tasks/tasks.repository';
import { createTestUser } from '../../testing/money-factories';
import { doneTask } from '../../testing/task-factories';
import { testConfig } from '../../testing/test-config';
import { createTestDatabase, type TestDatabase } from '../../testing/test-db';
import { routerPrefixes } from '../route-gate';

/**
 * The hot routes (http/hot-routes.ts) are answered before Express's router on the listening
 * server; driven through `backend.app`, the same requests take Express's router. Both must give
 * the same status, body and headers, and run the very same handler functions.
 */
describe('hot routes answered before Express', () => {
  let db: TestDatabase;
  let backend: RunningBackend;
  let jwt: JwtService;
  let token: string;
  let otherToken: string;
  let taskId: string;
  let otherTaskId: string;
  let userId: string;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    await db.ds.destroy();
    backend = await startBackend(testConfig({}, db.config));
    const config = backend.ctx.config;
    jwt = new JwtService(config.auth.jwtSecret, 3600);
    const manager = backend.ctx.db.manager;
    userId = await createTestUser(manager, { quota: 5 });
    const otherId = await createTestUser(manager, { quota: 5 });
    token = jwt.sign('aiphoto-merchant', { sub: userId, phone: '13900000001' });
    otherToken = jwt.sign('aiphoto-merchant', { sub: otherId, phone: '13900000002' });
    const typeDef = await new TaskTypesService(backend.ctx.db).forCreate('basic_clean');
    const repository = new TasksRepository();
    const insert = async (owner: string) => {
      const id = randomUUID();
      const task = doneTask(typeDef, owner, {
        id,
        resultKeys: [`output/${owner}/${id}/main.jpg`],
        deadlineAt: new Date(Date.now() + 600_000),
      });
      await inTransaction(backend.ctx.db, (tx) => repository.insert(tx, task, new Date()));
      return id;
    };
    taskId = await insert(userId);
    otherTaskId = await insert(otherId);
  });

  afterAll(async () => {
    await backend?.close();
    await db?.drop();
  });

  // Headers that differ between any two answers (the request id is sent, so it is compared).
  const varying = new Set([
    'date',
    'connection',
    'keep-alive',
    'ratelimit-remaining',
    'ratelimit-reset',
    'retry-after',
  ]);
  const stable = (headers: Record<string, string>) =>
    Object.fromEntries(Object.entries(headers).filter(([name]) => !varying.has(name)));

  type Call = { method?: 'get' | 'head'; path: string; headers?: Record<string, string> };
  /** The answer of the listening server and of Express's router, and whether Express's app.handle ran. */
  const both = async ({ method = 'get', path, headers = {} }: Call) => {
    const express = backend.app as unknown as { handle: (...args: unknown[]) => void };
    const handle = jest.spyOn(express, 'handle');
    try {
      const send = (target: string | RunningBackend['app']) => {
        let req = request(target)[method](path).set('X-Request-Id', 'parity-1');
        for (const [name, value] of Object.entries(headers)) req = req.set(name, value);
        return req;
      };
      const hot = await send(backend.url);
      const viaExpressOnServer = handle.mock.calls.length > 0;
      const routed = await send(backend.app);
      return { hot, routed, viaExpressOnServer };
    } finally {
      handle.mockRestore();
    }
  };
  const expectSame = async (call: Call, status: number, answeredHot: boolean) => {
    const { hot, routed, viaExpressOnServer } = await both(call);
    expect({ status: hot.status, body: hot.body as unknown, text: hot.text }).toEqual({
      status: routed.status,
      body: routed.body as unknown,
      text: routed.text,
    });
    expect(hot.status).toBe(status);
    expect(stable(hot.headers)).toEqual(stable(routed.headers));
    expect(hot.headers['x-request-id']).toBe('parity-1');
    expect(hot.headers['x-content-type-options']).toBe('nosniff');
    expect(viaExpressOnServer).toBe(!answeredHot);
    return hot;
  };
  const bearer = (value: string) => ({ authorization: `Bearer ${value}` });

  it('answers an own task the same (200), query string or not, revalidation headers or not', async () => {
    const ok = await expectSame({ path: `/api/v1/tasks/${taskId}`, headers: bearer(token) }, 200, true);
    expect(ok.body).toMatchObject({ id: taskId, status: 'done' });
    expect(ok.headers.etag).toBeUndefined();
    expect(ok.headers['ratelimit-limit']).toBeDefined();
    await expectSame({ path: `/api/v1/tasks/${taskId}?x=1&y=%20z&x=2`, headers: bearer(token) }, 200, true);
    await expectSame({ path: `/api/v1/tasks/${taskId}?`, headers: bearer(token) }, 200, true);
    // No ETag is sent, so only `*` matches (Express's freshness rule, the same on both paths).
    await expectSame(
      { path: `/api/v1/tasks/${taskId}`, headers: { ...bearer(token), 'if-none-match': '*' } },
      304,
      true,
    );
    await expectSame(
      { path: `/api/v1/tasks/${taskId}`, headers: { ...bearer(token), 'if-none-match': 'W/"abc"' } },
      200,
      true,
    );
  });

  it('answers a history page the same: first, by cursor, filtered, and a bad query (400)', async () => {
    const first = await expectSame({ path: '/api/v1/tasks?limit=20', headers: bearer(token) }, 200, true);
    expect((first.body as { items: Array<{ id: string }> }).items.map((t) => t.id)).toEqual([taskId]);
    await expectSame({ path: '/api/v1/tasks', headers: bearer(token) }, 200, true);
    const cursor = Buffer.from(JSON.stringify(['2999-01-01 00:00:00.000', 'z'])).toString('base64url');
    await expectSame({ path: `/api/v1/tasks?limit=1&cursor=${cursor}`, headers: bearer(token) }, 200, true);
    await expectSame({ path: '/api/v1/tasks?status=done&favorite=true&q=a', headers: bearer(token) }, 200, true);
    await expectSame({ path: '/api/v1/tasks?limit=0', headers: bearer(token) }, 400, true);
    await expectSame({ path: '/api/v1/tasks?cursor=nope', headers: bearer(token) }, 400, true);
    await expectSame({ path: '/api/v1/tasks', headers: bearer(otherToken) }, 200, true);
    await expectSame({ path: '/api/v1/tasks' }, 401, true);
  });

  it('answers /api/v1/me the same, signed in or not', async () => {
    const me = await expectSame({ path: '/api/v1/me', headers: bearer(token) }, 200, true);
    expect(me.body).toMatchObject({ id: userId });
    await expectSame({ path: '/api/v1/me?lang=en', headers: bearer(token) }, 200, true);
    await expectSame({ path: '/api/v1/me' }, 401, true);
    await expectSame({ path: '/api/v1/me', headers: bearer('garbage') }, 401, true);
    await expectSame({ path: '/api/v1/me/', headers: bearer(token) }, 200, false);
  });

  it('refuses the same way without a valid credential (401)', async () => {
    const path = `/api/v1/tasks/${taskId}`;
    const expired = new JwtService(backend.ctx.config.auth.jwtSecret, -10).sign('aiphoto-merchant', {
      sub: userId,
      phone: '13900000001',
    });
    const admin = jwt.sign('aiphoto-admin', { sub: userId, username: 'root', role: 'admin' });
    const calls: Call[] = [
      { path },
      { path, headers: bearer('garbage') },
      { path, headers: bearer(expired) },
      { path, headers: bearer(admin) },
      { path, headers: bearer('ak_not-a-key') },
      { path, headers: { 'x-api-key': 'ak_not-a-key' } },
      { path, headers: { authorization: token } },
    ];
    for (const call of calls) {
      const answer = await expectSame(call, 401, true);
      expect(answer.body.error.code).toEqual(expect.any(String));
      expect(answer.text).not.toMatch(/at .*\.ts/);
    }
  });

  it("answers 404 for another merchant's task, an unknown id and a prototype name", async () => {
    for (const id of [otherTaskId, randomUUID(), 'constructor', '__proto__']) {
      const answer = await expectSame({ path: `/api/v1/tasks/${id}`, headers: bearer(token) }, 404, true);
      expect(answer.body.error.code).toMatch(/NOT_FOUND/);
    }
    await expectSame({ path: `/api/v1/tasks/${taskId}`, headers: bearer(otherToken) }, 404, true);
  });

  it('leaves malformed ids, other spellings, HEAD and requests with a body to Express', async () => {
    const auth = bearer(token);
    await expectSame({ path: `/api/v1/tasks/${'a'.repeat(65)}`, headers: auth }, 400, false);
    await expectSame({ path: '/api/v1/tasks/%E0%A4%A', headers: auth }, 400, false);
    await expectSame({ path: '/api/v1/tasks/a.b', headers: auth }, 404, false);
    await expectSame({ path: '/api/v1/tasks/a%2Fb', headers: auth }, 404, false);
    await expectSame({ path: `/api/v1/tasks/${taskId}/`, headers: auth }, 200, false);
    await expectSame({ path: `/API/v1/tasks/${taskId}`, headers: auth }, 200, false);
    await expectSame({ method: 'head', path: `/api/v1/tasks/${taskId}`, headers: auth }, 200, false);
    await expectSame(
      {
        path: `/api/v1/tasks/${taskId}`,
        headers: { ...auth, 'content-type': 'application/json', 'content-length': '0' },
      },
      200,
      false,
    );
  });

  it('counts the same rate limit and answers 429 the same way', async () => {
    const limit = backend.ctx.config.rateLimit.apiPer15Min;
    const hammered = await createTestUser(backend.ctx.db.manager, { quota: 5 });
    const hammeredToken = jwt.sign('aiphoto-merchant', { sub: hammered, phone: '13900000003' });
    const first = await request(backend.url).get(`/api/v1/tasks/${taskId}`).set(bearer(hammeredToken)).expect(404);
    const remaining = Number(first.headers['ratelimit-remaining']);
    expect(remaining).toBe(limit - 1);
    // The hot path and Express count in the same bucket.
    const second = await request(backend.app).get(`/api/v1/tasks/${taskId}`).set(bearer(hammeredToken)).expect(404);
    expect(Number(second.headers['ratelimit-remaining'])).toBe(limit - 2);
    for (let i = 2; i < limit; i++) await backend.ctx.kv.hit(`rl:api:user:${hammered}`, 900);
    const limited = await expectSame({ path: `/api/v1/tasks/${taskId}`, headers: bearer(hammeredToken) }, 429, true);
    expect(limited.body.error.code).toBe('RATE_LIMITED');
    expect(limited.headers['retry-after']).toBeDefined();
  });

  it('counts hot answers in the request metrics under the route pattern', async () => {
    const count = async (status: string) => {
      const text = (await request(backend.url).get('/metrics').expect(200)).text;
      const line = new RegExp(
        `aiphoto_http_requests_total\\{method="GET",route="/api/v1/tasks/:id",status="${status}"\\} (\\d+)`,
      ).exec(text);
      return Number(line?.[1] ?? 0);
    };
    const before = await count('200');
    for (let i = 0; i < 3; i++)
      await request(backend.url).get(`/api/v1/tasks/${taskId}`).set(bearer(token)).expect(200);
    expect(await count('200')).toBe(before + 3);
  });

  it("runs exactly the functions Express's router runs for the route, in the same order", () => {
    const chains = hotChainsOf(backend.app);
    expect(chains.map((c) => c.path).sort()).toEqual(['/api/v1/me', '/api/v1/tasks', '/api/v1/tasks/:id']);
    for (const chain of chains) {
      const path = chain.path.replace(/:\w+$/, randomUUID());
      const routed = expressChain((backend.app as unknown as { router: Walkable }).router.stack, path, 'GET');
      expect(routed.answered).toBe(true);
      // The JSON body parser is skipped: a request that announces a body goes to Express.
      const expected = routed.handlers.filter((fn) => fn.name !== 'jsonParser');
      expect(chain.handlers).toEqual(expected);
      expect(chain.handlers.length).toBe(expected.length);
      chain.handlers.forEach((fn, i) => expect(fn).toBe(expected[i]));
    }
  });
});

interface WalkLayer {
  handle: ((...args: unknown[]) => unknown) & { stack?: WalkLayer[]; gatedRouter?: Walkable };
  route?: {
    stack: Array<{ method?: string; handle: (...args: unknown[]) => unknown }>;
    _handlesMethod(m: string): boolean;
  };
  match(path: string): false | { path: string };
}
interface Walkable {
  stack: WalkLayer[];
}

/**
 * The handler functions Express's router calls for a request with no body, up to and including
 * the first route that answers it: middlewares whose path matches, routers entered (through the
 * route gates), then the route's handlers. Error handlers (four arguments) are not called on success.
 */
function expressChain(
  stack: WalkLayer[],
  path: string,
  method: string,
): { handlers: Array<(...args: unknown[]) => unknown>; answered: boolean } {
  const handlers: Array<(...args: unknown[]) => unknown> = [];
  for (const layer of stack) {
    const matched = layer.match(path);
    if (!matched) continue;
    if (layer.route) {
      if (!layer.route._handlesMethod(method)) continue;
      for (const inner of layer.route.stack)
        if (!inner.method || inner.method === method.toLowerCase()) handlers.push(inner.handle);
      return { handlers, answered: true };
    }
    if (layer.handle.length === 4) continue;
    const gated = layer.handle.gatedRouter;
    if (gated) {
      const prefixes = routerPrefixes(gated as never);
      if (prefixes && !prefixes.some((p) => path.toLowerCase().startsWith(p))) continue;
    }
    const router = gated ?? (layer.handle.stack ? (layer.handle as Walkable) : undefined);
    if (!router) {
      handlers.push(layer.handle);
      continue;
    }
    const inner = expressChain(router.stack, path.slice(matched.path.length) || '/', method);
    handlers.push(...inner.handlers);
    if (inner.answered) return { handlers, answered: true };
  }
  return { handlers, answered: false };
}
