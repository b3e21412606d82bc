import { WebSocket } from 'ws';
import type { AppConfig } from '../../../config/config';
import { capturingLogger } from '../../../testing/capturing-logger';
import { createTestDatabase, type TestDatabase } from '../../../testing/test-db';
import { testConfig, testRedisUrl } from '../../../testing/test-config';
import { JwtService } from '../../auth/jwt.service';
import { ProgressHub } from '../progress-hub';
import { merchantToken, sqliteReplicaPerSuite, startReplica, type Replica } from './progress-replica';
import { waitFor } from '../../../../../jest/wait-for';
import { connectProgress, rawUpgrade, refusedStatus } from './ws-test-client';

describe('progress over /ws across two replicas (MariaDB + Redis)', () => {
  let db: TestDatabase;
  let config: AppConfig;
  let a: Replica;
  let b: Replica;

  beforeAll(async () => {
    db = await createTestDatabase('mysql');
    await db.ds.destroy();
    // Same database and same Redis prefix: two replicas of one deployment.
    config = testConfig(
      { REDIS_URL: testRedisUrl(), REDIS_KEY_PREFIX: `test:ws:${process.pid}:${Date.now()}:` },
      db.config,
    );
    a = await startReplica(config);
    b = await startReplica(config);
  });

  afterAll(async () => {
    await a?.backend.close();
    await b?.backend.close();
    await db.drop();
  });

  it('delivers an event published on replica B to the owner connected to replica A, and only to them', async () => {
    const owner = await connectProgress(a.backend.url, { token: merchantToken(config, 'user-a'), via: 'query' });
    const stranger = await connectProgress(a.backend.url, { token: merchantToken(config, 'user-b'), via: 'protocol' });
    try {
      expect(owner.messages[0]).toEqual({ type: 'ready', userId: 'user-a' });
      expect(stranger.socket.protocol).toBe('aiphoto-progress');

      await b.hub.publish('user-a', {
        taskId: 't-1',
        status: 'done',
        progress: 100,
        resultUrls: ['https://cdn.test/01.png'],
      });
      // Published after the first event on the same connection, so Redis delivers it later:
      // if the stranger's first task message is this one, the owner's event never reached them.
      await b.hub.publish('user-b', {
        taskId: 't-2',
        status: 'failed',
        progress: 40,
        errorCode: 'VENDOR_FAILED',
        errorReason: 'timeout',
      });

      expect(await owner.next('task')).toEqual({
        type: 'task',
        taskId: 't-1',
        status: 'done',
        progress: 100,
        resultUrls: ['https://cdn.test/01.png'],
      });
      expect(await stranger.next('task')).toEqual({
        type: 'task',
        taskId: 't-2',
        status: 'failed',
        progress: 40,
        errorCode: 'VENDOR_FAILED',
        errorReason: 'timeout',
      });
      expect(owner.messages.filter((m) => m.type === 'task')).toHaveLength(1);
    } finally {
      await owner.close();
      await stranger.close();
    }
  });

  it('refuses a missing, forged or admin token with 401 on upgrade', async () => {
    const adminToken = new JwtService(config.auth.jwtSecret, 3600).sign('aiphoto-admin', {
      sub: 'adm',
      username: 'root',
      role: 'admin',
    });
    const forged = new JwtService('another-secret-of-16-chars', 3600).sign('aiphoto-merchant', {
      sub: 'user-a',
      phone: '1',
    });
    expect(await refusedStatus(a.backend.url)).toBe(401);
    expect(await refusedStatus(a.backend.url, '/ws?token=garbage')).toBe(401);
    expect(await refusedStatus(a.backend.url, `/ws?token=${forged}`)).toBe(401);
    expect(await refusedStatus(a.backend.url, `/ws?token=${adminToken}`)).toBe(401);
    expect(await refusedStatus(a.backend.url, '/ws', ['aiphoto-progress', forged])).toBe(401);
    expect(a.sockets.connectionCount()).toBe(0);
  });

  it('shares one subscription between tabs of a user and releases it when the last tab closes', async () => {
    const token = merchantToken(config, 'user-tabs');
    const tab1 = await connectProgress(a.backend.url, { token, via: 'query' });
    const tab2 = await connectProgress(a.backend.url, { token, via: 'protocol' });
    expect(a.hub.listenerCount('user-tabs')).toBe(2);

    await b.hub.publish('user-tabs', { taskId: 't-3', status: 'processing', progress: 50 });
    expect((await tab1.next('task')).taskId).toBe('t-3');
    expect((await tab2.next('task')).taskId).toBe('t-3');

    await tab1.close();
    await waitFor(() => a.hub.listenerCount('user-tabs') === 1, { what: 'one listener left' });
    await tab2.close();
    await waitFor(() => a.hub.subscribedUsers() === 0, { what: 'the subscription released' });
  });
});

describe('progress over /ws in one process (SQLite, no Redis)', () => {
  const suite = sqliteReplicaPerSuite({ socket: { heartbeatMs: 50 } });

  it('delivers events through the in-process store', async () => {
    expect(suite.replica.backend.ctx.kv.kind).toBe('memory');
    const client = await connectProgress(suite.replica.backend.url, {
      token: merchantToken(suite.config, 'solo'),
      via: 'protocol',
    });
    try {
      await suite.replica.hub.publish('solo', { taskId: 't-4', status: 'queued', progress: 0 });
      await suite.replica.hub.publish('solo', { taskId: 't-4', status: 'processing', progress: 60 });
      expect(await client.next('task', 1)).toMatchObject({ taskId: 't-4', status: 'processing', progress: 60 });
      expect(client.messages.filter((m) => m.type === 'task').map((m) => m.progress)).toEqual([0, 60]);
    } finally {
      await client.close();
    }
  });

  it('keeps answering pings and drops a socket whose peer stopped answering', async () => {
    const healthy = await connectProgress(suite.replica.backend.url, {
      token: merchantToken(suite.config, 'alive'),
      via: 'query',
    });
    const dead = await connectProgress(suite.replica.backend.url, {
      token: merchantToken(suite.config, 'vanished'),
      via: 'query',
    });
    const pings = { count: 0 };
    healthy.socket.on('ping', () => pings.count++);
    // A paused socket reads nothing, so it never answers a ping: like a laptop that went to sleep.
    (dead.socket as unknown as { _socket: { pause(): void } })._socket.pause();

    await waitFor(() => suite.replica.hub.listenerCount('vanished') === 0, { what: 'the dead socket dropped' });
    await waitFor(() => pings.count >= 3, { what: 'pings on the healthy socket' });
    expect(suite.replica.hub.listenerCount('alive')).toBe(1);
    expect(suite.replica.sockets.connectionCount()).toBe(1);
    await healthy.close();
    dead.socket.terminate();
  });

  it('answers 404 to upgrades on other paths and closes open sockets on shutdown', async () => {
    expect(await refusedStatus(suite.replica.backend.url, `/elsewhere?token=${merchantToken(suite.config, 'x')}`)).toBe(
      404,
    );

    // A config of its own has a data folder and so a JWT secret of its own: sign with it.
    const ownConfig = testConfig({}, suite.db.config);
    const own = await startReplica(ownConfig);
    const client = await connectProgress(own.backend.url, { token: merchantToken(ownConfig, 'leaving'), via: 'query' });
    const closed = new Promise<number>((resolve) => client.socket.once('close', (code) => resolve(code)));
    await own.backend.close();
    expect(await closed).toBe(1001);
    expect(own.hub.subscribedUsers()).toBe(0);
  });
  it('destroys the socket of a refused upgrade instead of leaving it half-open', async () => {
    const answer = await rawUpgrade(suite.replica.backend.url, '//', { keepOurSide: true });
    try {
      expect(answer.status).toBe(400);
      expect(JSON.parse(answer.raw.slice(answer.raw.indexOf('\r\n\r\n') + 4))).toEqual({
        error: { code: 'BAD_REQUEST', message: 'Bad Request' },
      });
      // Our side is still open: only the server letting go brings its count to zero.
      await waitFor(async () => (await connections(suite.replica)) === 0, { what: 'the server to drop it' });
    } finally {
      answer.socket.destroy();
    }
  });

  it('releases (and logs a failed release of) a subscription whose socket closed while it was opening', async () => {
    let opened!: () => void;
    const subscribing = new Promise<void>((resolve) => (opened = resolve));
    /** Subscribes only when the test says so, and fails to release: the early-close path. */
    class SlowHub extends ProgressHub {
      released = 0;
      override async subscribe(): Promise<() => Promise<void>> {
        await subscribing;
        return async () => {
          this.released++;
          throw new Error('redis went away');
        };
      }
    }
    const { logger, lines } = capturingLogger();
    let slow: SlowHub | undefined;
    const ownConfig = testConfig({}, suite.db.config);
    const own = await startReplica(ownConfig, {
      logger,
      hub: (ctx) => (slow = new SlowHub(ctx.kv, ctx.logger)),
    });
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const socket = new WebSocket(`${own.backend.url.replace(/^http/, 'ws')}/ws`, [
        'aiphoto-progress',
        merchantToken(ownConfig, 'early'),
      ]);
      await new Promise((resolve) => socket.once('open', resolve));
      socket.close();
      await waitFor(() => own.sockets.connectionCount() === 0, { what: 'the server to see the close' });
      opened();
      await waitFor(() => lines.some((l) => l.includes('progress unsubscribe failed')), { what: 'the log' });
      expect(slow!.released).toBe(1);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await own.backend.close();
    }
  });
});

function connections(replica: Replica): Promise<number> {
  return new Promise((resolve, reject) =>
    replica.backend.server.getConnections((err, count) => (err ? reject(err) : resolve(count))),
  );
}
