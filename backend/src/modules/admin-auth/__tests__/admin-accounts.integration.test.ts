import bcrypt from 'bcrypt';
import request from 'supertest';
import { drivers } from '../../../testing/test-db';
import { freshClient, startIdentityApp, type IdentityApp } from '../../auth/__tests__/identity-app';

interface Account {
  id: string;
  username: string;
  role: 'admin' | 'operator';
  createdAt: string;
  disabled: boolean;
}

describe.each(drivers)('console account management on %s', (driver) => {
  let t: IdentityApp;
  let root: Account;
  let rootToken = '';
  const api = () => request(t.backend.app);
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const login = (username: string, password: string) =>
    api().post('/api/v1/admin/login').set('X-Forwarded-For', freshClient().ip).send({ username, password });
  const create = (body: object, token = rootToken) => api().post('/api/v1/admin/admins').set(bearer(token)).send(body);
  const patch = (id: string, body: object, token = rootToken) =>
    api().patch(`/api/v1/admin/admins/${id}`).set(bearer(token)).send(body);
  /** Creates an account through the API and signs it in. */
  const account = async (username: string, role: Account['role'], password = 'Account-pass-1') => {
    const created = (await create({ username, password, role }).expect(201)).body as Account;
    const token = (await login(username, password).expect(200)).body.token as string;
    return { ...created, token };
  };

  beforeAll(async () => {
    t = await startIdentityApp(driver);
    const res = await login('root', 'Bootstrap-Pass-1').expect(200);
    rootToken = res.body.token;
    root = ((await api().get('/api/v1/admin/admins').set(bearer(rootToken)).expect(200)).body.items as Account[])[0];
  });
  afterAll(() => t.close());

  it('lists accounts with role, creation time and state', async () => {
    expect(root).toEqual({
      id: expect.any(String),
      username: 'root',
      role: 'admin',
      createdAt: expect.stringMatching(/Z$/),
      disabled: false,
    });
  });

  it('creates an operator with a bcrypt hash who can sign in, and refuses a taken username', async () => {
    const res = await create({ username: 'op.create', password: 'Operator-pass-1', role: 'operator' }).expect(201);
    expect(res.body).toMatchObject({ username: 'op.create', role: 'operator', disabled: false });
    const [row] = (await t.backend.ctx.db.query('SELECT password_hash FROM admin_users WHERE id = ?', [
      res.body.id,
    ])) as Array<{ password_hash: string }>;
    expect(await bcrypt.compare('Operator-pass-1', row.password_hash)).toBe(true);
    expect((await login('op.create', 'Operator-pass-1').expect(200)).body.admin).toEqual({
      id: res.body.id,
      username: 'op.create',
      role: 'operator',
    });
    const taken = await create({ username: 'op.create', password: 'Another-pass-2', role: 'admin' }).expect(409);
    expect(taken.body.error.code).toBe('USERNAME_TAKEN');
  });

  it('enforces the password rules: 10 characters, a letter and a digit', async () => {
    for (const password of ['Short-1', 'no-digits-here', '1234567890123']) {
      const res = await create({ username: `weak-${password.length}`, password, role: 'operator' }).expect(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    await patch(root.id, { password: 'short1' }).expect(400);
    await patch(root.id, {}).expect(400);
  });

  it('keeps the whole API to admins: operators get 403, no token 401', async () => {
    const op = await account('op-guard', 'operator');
    await api().get('/api/v1/admin/admins').set(bearer(op.token)).expect(403);
    await create({ username: 'sneaky', password: 'Sneaky-pass-1', role: 'admin' }, op.token).expect(403);
    await patch(op.id, { role: 'admin' }, op.token).expect(403);
    await api().get('/api/v1/admin/admins').expect(401);
    await patch('no-such-id', { disabled: true }).expect(404);
  });

  it('applies a role change to existing tokens at the next request', async () => {
    const op = await account('op-promoted', 'operator');
    await api().get('/api/v1/admin/test/admin-only').set(bearer(op.token)).expect(403);
    expect((await patch(op.id, { role: 'admin' }).expect(200)).body.role).toBe('admin');
    expect((await api().get('/api/v1/admin/test/admin-only').set(bearer(op.token)).expect(200)).body.role).toBe(
      'admin',
    );
    expect((await api().get('/api/v1/admin/me').set(bearer(op.token)).expect(200)).body.role).toBe('admin');
    await patch(op.id, { role: 'operator' }).expect(200);
    await api().get('/api/v1/admin/test/admin-only').set(bearer(op.token)).expect(403);
  });

  it('resets a password: the old one stops working, the new one signs in', async () => {
    const op = await account('op-reset', 'operator', 'Old-password-1');
    await patch(op.id, { password: 'New-password-2' }).expect(200);
    expect((await login('op-reset', 'Old-password-1').expect(401)).body.error.code).toBe('INVALID_CREDENTIALS');
    await login('op-reset', 'New-password-2').expect(200);
  });

  it('disables an account: no sign-in, its tokens refused everywhere; enabling restores both', async () => {
    const op = await account('op-disabled', 'operator');
    expect((await patch(op.id, { disabled: true }).expect(200)).body.disabled).toBe(true);
    expect((await api().get('/api/v1/admin/me').set(bearer(op.token)).expect(401)).body.error.code).toBe(
      'ACCOUNT_DISABLED',
    );
    expect((await api().get('/api/v1/admin/test/admin-only').set(bearer(op.token)).expect(401)).body.error.code).toBe(
      'ACCOUNT_DISABLED',
    );
    // Only the right password learns that the account is disabled.
    expect((await login('op-disabled', 'Account-pass-1').expect(401)).body.error.code).toBe('ACCOUNT_DISABLED');
    expect((await login('op-disabled', 'Wrong-pass-9').expect(401)).body.error.code).toBe('INVALID_CREDENTIALS');
    const listed = (await api().get('/api/v1/admin/admins').set(bearer(rootToken)).expect(200)).body.items as Account[];
    expect(listed.find((a) => a.id === op.id)?.disabled).toBe(true);

    await patch(op.id, { disabled: false }).expect(200);
    await api().get('/api/v1/admin/me').set(bearer(op.token)).expect(200);
    await login('op-disabled', 'Account-pass-1').expect(200);
  });

  it('never leaves the console without an active admin, and nobody disables themself', async () => {
    expect((await patch(root.id, { disabled: true }).expect(409)).body.error.code).toBe('CANNOT_DISABLE_SELF');
    expect((await patch(root.id, { role: 'operator' }).expect(409)).body.error.code).toBe('LAST_ADMIN');

    const second = await account('admin-two', 'admin');
    await patch(root.id, { disabled: true }, second.token).expect(200);
    // root is disabled now, so admin-two is the last active admin and cannot step down.
    expect((await patch(second.id, { role: 'operator' }, second.token).expect(409)).body.error.code).toBe('LAST_ADMIN');
    await patch(root.id, { disabled: false }, second.token).expect(200);
    await patch(second.id, { role: 'operator' }, second.token).expect(200);
    await api().get('/api/v1/admin/admins').set(bearer(second.token)).expect(403);
  });

  it('lets only one of two admins demoting each other at the same moment succeed', async () => {
    const a = await account('admin-race-a', 'admin');
    const b = await account('admin-race-b', 'admin');
    // root steps back (its token turns operator at once), so a and b are the only active admins.
    await patch(root.id, { role: 'operator' }).expect(200);
    await api().get('/api/v1/admin/admins').set(bearer(rootToken)).expect(403);
    try {
      const results = await Promise.all([
        patch(b.id, { role: 'operator' }, a.token),
        patch(a.id, { role: 'operator' }, b.token),
      ]);
      // The loser is refused either by the last-admin rule (409) or, when the winner committed
      // before its request was authorised, because it is an operator already (403).
      const [won, lost] = results.map((r) => r.status).sort();
      expect(won).toBe(200);
      expect([403, 409]).toContain(lost);
    } finally {
      await t.backend.ctx.db.query("UPDATE admin_users SET role = 'admin' WHERE username = 'root'");
    }
    const items = (await api().get('/api/v1/admin/admins').set(bearer(rootToken)).expect(200)).body.items as Account[];
    expect(items.filter((x) => x.username.startsWith('admin-race') && x.role === 'admin')).toHaveLength(1);
  });
});
