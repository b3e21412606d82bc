import path from 'node:path';
import Database from 'better-sqlite3';
import { toDbTime } from '../db/time';
import { JwtService } from '../modules/auth/jwt.service';
import { connectProgress, rawUpgrade } from '../modules/progress/__tests__/ws-test-client';
import { startBackendProcess, type BackendProcess } from '../testing/backend-process';

jest.setTimeout(30_000);

const JWT_SECRET = 'hostile-upgrade-test-secret';

/**
 * Hostile WebSocket upgrades against the backend as its own process (`src/main.ts`): each is
 * answered with an HTTP error and the connection ends, and the process keeps serving. Before
 * the fix, `GET //` threw "Invalid URL" out of the upgrade listener and the process exited.
 */
describe('hostile upgrade requests against the backend process', () => {
  let backend: BackendProcess;

  beforeAll(async () => {
    backend = await startBackendProcess({ JWT_SECRET });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
  });

  const hostile: Array<[string, string, Parameters<typeof rawUpgrade>[2]]> = [
    ['an empty authority', '//', {}],
    ['a broken IPv6 authority', 'http://[/ws', {}],
    ['an absolute-form target', 'http://x/ws', {}],
    ['a protocol-relative path', '//evil/ws', {}],
    ['an asterisk', '*', {}],
    ['bad percent-encoding', '/ws?token=%zz%', {}],
    ['a broken path escape', '/%E0%A4%A', {}],
    ['no key', '/ws', { headers: { 'Sec-WebSocket-Key': '' } }],
    ['a malformed subprotocol list', '/ws', { headers: { 'Sec-WebSocket-Protocol': ',,a b,' } }],
    ['a POST upgrade', '/ws', { method: 'POST' }],
  ];

  // Every row has three entries: a two-argument row would make Jest pass `done` as `options`.
  it.each(hostile)('answers %s with a 4xx and ends the connection', async (_what, target, options) => {
    const answer = await rawUpgrade(backend.url, target, options);
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(backend.child.exitCode).toBeNull();
  });

  it('is still up and serving HTTP and WebSockets afterwards', async () => {
    // Fire every hostile request at once as well, some abandoned mid-answer.
    await Promise.all(hostile.map(([, target, options]) => rawUpgrade(backend.url, target, options)));
    const res = await fetch(`${backend.url}/health`);
    expect(res.status).toBe(200);
    // Tokens are honoured only for users that exist (sign out everywhere checks their version).
    const db = new Database(path.join(backend.dataDir, 'aiphoto.sqlite'));
    const now = toDbTime(new Date());
    db.prepare(
      'INSERT INTO users (id, phone, is_member, quota_remaining, created_at, updated_at) VALUES (?, ?, 0, 0, ?, ?)',
    ).run('u-after', '13800000000', now, now);
    db.close();
    const token = new JwtService(JWT_SECRET, 600).sign('aiphoto-merchant', { sub: 'u-after', phone: '13800000000' });
    const socket = await connectProgress(backend.url, { token, via: 'protocol' });
    expect(socket.messages[0]).toEqual({ type: 'ready', userId: 'u-after' });
    await socket.close();
    expect(backend.child.exitCode).toBeNull();
    expect(backend.output.join('\n')).not.toMatch(/Invalid URL/);
  });
});
