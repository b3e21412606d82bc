import request from 'supertest';
import { drivers } from '../../../testing/test-db';
import { SmsFailedError } from '../../sms/sms-sender';
import { freshClient, startIdentityApp, type IdentityApp } from './identity-app';

interface CodeRow {
  phone: string;
  code_hash: string;
  ip: string;
  attempts: number;
  used_at: string | null;
  expire_at: string;
  created_at: string;
}

describe.each(drivers)('SMS login on %s', (driver) => {
  let t: IdentityApp;
  const api = () => request(t.backend.app);
  const codesOf = (phone: string) =>
    t.backend.ctx.db.query('SELECT * FROM verification_codes WHERE phone = ? ORDER BY created_at', [phone]) as Promise<
      CodeRow[]
    >;
  const usersWith = (phone: string) =>
    t.backend.ctx.db.query('SELECT * FROM users WHERE phone = ?', [phone]) as Promise<Array<{ id: string }>>;
  const sendCode = (phone: string, ip: string) =>
    api().post('/api/v1/auth/send-code').set('X-Forwarded-For', ip).send({ phone });
  const login = (phone: string, code: string, ip: string) =>
    api().post('/api/v1/auth/login').set('X-Forwarded-For', ip).send({ phone, code });
  // Stands in for waiting out the 60 s resend cooldown (a Redis TTL cannot be moved by a fake clock).
  const passCooldown = (phone: string) => t.backend.ctx.kv.del(`sms:cooldown:${phone}`);
  const wrong = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, '0');

  beforeAll(async () => {
    // Hong Kong enabled beside the mainland default, for the E.164 case below.
    t = await startIdentityApp(driver, { env: { SMS_ALLOWED_COUNTRY_CODES: '+86,+852' } });
  });
  afterAll(() => t.close());
  afterEach(() => t.clock.reset());

  it('registers the phone on first login and returns a 7-day merchant token with Me', async () => {
    const { phone, ip } = freshClient();
    const sent = await sendCode(phone, ip).expect(200);
    expect(sent.body).toEqual({ sent: true, cooldownSeconds: 60 });
    const code = t.sms.lastCode(phone);
    expect(code).toMatch(/^\d{6}$/);
    expect(JSON.stringify(sent.body)).not.toContain(code);

    const res = await login(phone, code, ip).expect(200);
    expect(res.body.user).toEqual({
      id: expect.any(String),
      phone,
      nickname: null,
      avatarUrl: null,
      isMember: false,
      quotaRemaining: 0,
      quotaExpireAt: null,
    });
    const claims = t.jwt.verify('aiphoto-merchant', res.body.token);
    expect(claims).toMatchObject({ sub: res.body.user.id, phone });
    const { exp, iat } = JSON.parse(Buffer.from(res.body.token.split('.')[1], 'base64url').toString()) as {
      exp: number;
      iat: number;
    };
    expect(exp - iat).toBe(7 * 24 * 3600);

    expect(await usersWith(phone)).toEqual([expect.objectContaining({ id: res.body.user.id })]);
    const [row] = await codesOf(phone);
    expect(row).toMatchObject({ ip, attempts: 1 });
    expect(row.used_at).not.toBeNull();
    expect(row.code_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(row.code_hash).not.toContain(code);
    await api()
      .get('/api/v1/test/whoami')
      .set('Authorization', `Bearer ${res.body.token}`)
      .expect(200, { id: res.body.user.id, phone });
  });

  it('signs an existing phone into the same account, whether typed as 11 digits or +86', async () => {
    const { phone, ip } = freshClient();
    await sendCode(phone, ip).expect(200);
    const first = await login(phone, t.sms.lastCode(phone), ip).expect(200);
    await passCooldown(phone);
    await sendCode(`+86${phone}`, ip).expect(200);
    const again = await login(`+86${phone}`, t.sms.lastCode(phone), ip);
    expect(again.status).toBe(200);
    expect(again.body.user.id).toBe(first.body.user.id);
    expect(await usersWith(phone)).toHaveLength(1);
  });

  it('answers send-code identically for registered and unknown phones', async () => {
    const known = freshClient();
    await sendCode(known.phone, known.ip).expect(200);
    await login(known.phone, t.sms.lastCode(known.phone), known.ip).expect(200);
    const unknown = freshClient();
    const a = await sendCode(unknown.phone, unknown.ip);
    const b = await sendCode(freshClient().phone, known.ip);
    expect([a.status, a.body]).toEqual([b.status, b.body]);
  });

  it('rejects a wrong code with 401 INVALID_CODE and counts the attempt', async () => {
    const { phone, ip } = freshClient();
    await sendCode(phone, ip).expect(200);
    const res = await login(phone, wrong(t.sms.lastCode(phone)), ip).expect(401);
    expect(res.body.error.code).toBe('INVALID_CODE');
    expect((await codesOf(phone))[0]).toMatchObject({ attempts: 1, used_at: null });
    expect(await usersWith(phone)).toEqual([]);
  });

  it('gives INVALID_CODE for a phone that never asked for a code, creating nothing', async () => {
    const { phone, ip } = freshClient();
    const res = await login(phone, '123456', ip).expect(401);
    expect(res.body.error.code).toBe('INVALID_CODE');
    expect(await usersWith(phone)).toEqual([]);
  });

  it('refuses even the right code after 5 wrong attempts', async () => {
    const { phone, ip } = freshClient();
    await sendCode(phone, ip).expect(200);
    const code = t.sms.lastCode(phone);
    for (let i = 0; i < 5; i++) expect((await login(phone, wrong(code), ip)).body.error.code).toBe('INVALID_CODE');
    const res = await login(phone, code, ip).expect(401);
    expect(res.body.error.code).toBe('TOO_MANY_ATTEMPTS');
    expect((await codesOf(phone))[0]).toMatchObject({ attempts: 5, used_at: null });
    expect(await usersWith(phone)).toEqual([]);
  });

  it('lets a code log in only once', async () => {
    const { phone, ip } = freshClient();
    await sendCode(phone, ip).expect(200);
    const code = t.sms.lastCode(phone);
    await login(phone, code, ip).expect(200);
    const res = await login(phone, code, ip).expect(401);
    expect(res.body.error.code).toBe('CODE_USED');
  });

  it('accepts exactly one of two concurrent logins with the same code', async () => {
    const { phone, ip } = freshClient();
    await sendCode(phone, ip).expect(200);
    const code = t.sms.lastCode(phone);
    const results = await Promise.all([login(phone, code, ip), login(phone, code, ip)]);
    expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    expect(await usersWith(phone)).toHaveLength(1);
  });

  it('expires a code after 5 minutes', async () => {
    const { phone, ip } = freshClient();
    await sendCode(phone, ip).expect(200);
    const [row] = await codesOf(phone);
    expect(
      new Date(`${row.expire_at.replace(' ', 'T')}Z`).getTime() -
        new Date(`${row.created_at.replace(' ', 'T')}Z`).getTime(),
    ).toBe(300_000);
    t.clock.advanceSeconds(299);
    const code = t.sms.lastCode(phone);
    await login(phone, wrong(code), ip).expect(401);
    t.clock.advanceSeconds(2);
    const res = await login(phone, code, ip).expect(401);
    expect(res.body.error.code).toBe('CODE_EXPIRED');
    expect((await codesOf(phone))[0]).toMatchObject({ attempts: 1, used_at: null });
  });

  it('retires the previous code when a new one is sent', async () => {
    const { phone, ip } = freshClient();
    await sendCode(phone, ip).expect(200);
    const old = t.sms.lastCode(phone);
    t.clock.advanceSeconds(1);
    await passCooldown(phone);
    await sendCode(phone, ip).expect(200);
    const fresh = t.sms.lastCode(phone);
    const rows = await codesOf(phone);
    expect(rows).toHaveLength(2);
    expect(rows[0].used_at).not.toBeNull();
    expect(rows[1].used_at).toBeNull();
    if (old !== fresh) expect((await login(phone, old, ip).expect(401)).body.error.code).toBe('INVALID_CODE');
    await login(phone, fresh, ip).expect(200);
  });

  it('answers 502 SMS_FAILED when the vendor fails, and leaves no usable code or cooldown behind', async () => {
    const { phone, ip } = freshClient();
    t.sms.failNextWith(new SmsFailedError());
    const res = await sendCode(phone, ip).expect(502);
    expect(res.body.error.code).toBe('SMS_FAILED');
    const [row] = await codesOf(phone);
    expect(row.used_at).not.toBeNull();
    await sendCode(phone, ip).expect(200);
    await login(phone, t.sms.lastCode(phone), ip).expect(200);
  });

  it.each([
    ['12345678901'],
    ['1380013800'],
    ['+86123'],
    ['+8612800138000'],
    ['abc'],
    [''],
    ['+0123456789'],
    ['+1234567890123456'],
  ])('refuses the phone %p with 400 VALIDATION_FAILED', async (phone) => {
    const res = await sendCode(phone, freshClient().ip).expect(400);
    expect(res.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: expect.stringMatching(/^phone: /) });
    expect(await codesOf(phone)).toEqual([]);
  });

  it('accepts other countries in E.164 and stores them as such', async () => {
    const phone = '+85291234567';
    await sendCode(phone, freshClient().ip).expect(200);
    expect(t.sms.lastCode(phone)).toMatch(/^\d{6}$/);
    expect(await codesOf(phone)).toHaveLength(1);
  });

  it('documents the identity routes in the OpenAPI document', async () => {
    const doc = (await api().get('/api/docs.json').expect(200)).body as {
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, unknown> };
    };
    for (const path of ['/api/v1/auth/send-code', '/api/v1/auth/login', '/api/v1/admin/login'])
      expect(doc.paths[path]).toHaveProperty('post');
    expect(doc.paths['/api/v1/admin/me']).toHaveProperty('get');
    expect(doc.components.schemas).toHaveProperty('LoginResponse');
    expect(JSON.stringify(doc.components.schemas.SendCodeRequest)).toContain('13800138000');
  });

  it('refuses a code that is not 6 digits without spending an attempt', async () => {
    const { phone, ip } = freshClient();
    await sendCode(phone, ip).expect(200);
    await login(phone, '12345', ip).expect(400);
    expect((await codesOf(phone))[0].attempts).toBe(0);
  });
});
