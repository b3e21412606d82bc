import { merchantToken, sqliteReplicaPerSuite } from './progress-replica';
import { waitFor } from '../../../../../jest/wait-for';
import { closeOf, connectProgress, openUnauthenticated, refusedStatus } from './ws-test-client';

/** The limits of /ws: token placement, message size, sockets per user, token lifetime (SQLite). */
describe('/ws limits (SQLite, no Redis)', () => {
  const suite = sqliteReplicaPerSuite({ env: { WS_MAX_SOCKETS_PER_USER: '2' }, socket: { authTimeoutMs: 300 } });

  it('takes the token as the first message and then delivers events', async () => {
    const client = await connectProgress(suite.replica.backend.url, {
      token: merchantToken(suite.config, 'by-message'),
      via: 'message',
    });
    try {
      expect(client.messages[0]).toEqual({ type: 'ready', userId: 'by-message' });
      await suite.replica.hub.publish('by-message', { taskId: 't-m', status: 'processing', progress: 30 });
      expect(await client.next('task')).toMatchObject({ taskId: 't-m', progress: 30 });
    } finally {
      await client.close();
    }
  });

  it('closes with 4001 a socket whose first message carries no valid token, or that sends nothing', async () => {
    const silent = await openUnauthenticated(suite.replica.backend.url);
    expect(await closeOf(silent)).toEqual({ code: 4001, reason: 'no token' });

    const forged = await openUnauthenticated(suite.replica.backend.url);
    const forgedClosed = closeOf(forged);
    forged.send(JSON.stringify({ type: 'auth', token: 'a.b.c' }));
    expect(await forgedClosed).toEqual({ code: 4001, reason: 'unauthorized' });
    expect(suite.replica.sockets.connectionCount()).toBe(0);
  });

  it('closes a socket that sends more than the small message limit (1009)', async () => {
    const client = await connectProgress(suite.replica.backend.url, {
      token: merchantToken(suite.config, 'chatty'),
      via: 'protocol',
    });
    const closed = closeOf(client.socket);
    client.socket.send('x'.repeat(64 * 1024));
    expect((await closed).code).toBe(1009);
  });

  it("refuses a user's socket beyond WS_MAX_SOCKETS_PER_USER (429), and accepts again once one closed", async () => {
    const token = merchantToken(suite.config, 'many-tabs');
    const first = await connectProgress(suite.replica.backend.url, { token, via: 'protocol' });
    const second = await connectProgress(suite.replica.backend.url, { token, via: 'protocol' });
    expect(await refusedStatus(suite.replica.backend.url, '/ws', ['aiphoto-progress', token])).toBe(429);
    // The first-message path counts the same sockets.
    const third = await openUnauthenticated(suite.replica.backend.url);
    const thirdClosed = closeOf(third);
    third.send(JSON.stringify({ type: 'auth', token }));
    expect(await thirdClosed).toEqual({ code: 4029, reason: 'too many sockets' });
    // Another merchant is not affected.
    const other = await connectProgress(suite.replica.backend.url, {
      token: merchantToken(suite.config, 'other'),
      via: 'protocol',
    });

    await first.close();
    await waitFor(() => suite.replica.hub.listenerCount('many-tabs') === 1, { what: 'one tab left' });
    const again = await connectProgress(suite.replica.backend.url, { token, via: 'protocol' });
    await Promise.all([second.close(), again.close(), other.close()]);
  });

  it('closes a socket when its token expires (4001)', async () => {
    // A JWT's exp is whole seconds after a floored iat: a 1 s token can be already expired when
    // the upgrade arrives (seen on a loaded CI machine as a 401). Three seconds leaves at least two.
    const client = await connectProgress(suite.replica.backend.url, {
      token: merchantToken(suite.config, 'short-lived', 3),
      via: 'protocol',
    });
    expect(await closeOf(client.socket)).toEqual({ code: 4001, reason: 'token expired' });
    await waitFor(() => suite.replica.hub.listenerCount('short-lived') === 0, { what: 'the subscription released' });
  });
});

describe('/ws in production', () => {
  const suite = sqliteReplicaPerSuite({ production: true });

  it('refuses ?token= (proxies log query strings) and takes the same token as a subprotocol', async () => {
    const token = merchantToken(suite.config, 'prod-user');
    expect(await refusedStatus(suite.replica.backend.url, `/ws?token=${token}`)).toBe(401);
    const client = await connectProgress(suite.replica.backend.url, { token, via: 'protocol' });
    expect(client.messages[0]).toEqual({ type: 'ready', userId: 'prod-user' });
    await client.close();
  });
});
