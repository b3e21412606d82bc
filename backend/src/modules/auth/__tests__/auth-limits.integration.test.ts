import request from 'supertest';
import { drivers } from '../../../testing/test-db';
import { freshClient, startIdentityApp, type IdentityApp } from './identity-app';

describe.each(drivers)('SMS send limits on %s', (driver) => {
  let t: IdentityApp;
  let noCooldown: IdentityApp;
  const countCodes = async (app: IdentityApp, where: string, value: string) =>
    Number(
      (
        (await app.backend.ctx.db.query(`SELECT COUNT(*) AS n FROM verification_codes WHERE ${where} = ?`, [
          value,
        ])) as Array<{ n: number | string }>
      )[0].n,
    );
  const sendCode = (app: IdentityApp, phone: string, ip: string) =>
    request(app.backend.app).post('/api/v1/auth/send-code').set('X-Forwarded-For', ip).send({ phone });

  beforeAll(async () => {
    t = await startIdentityApp(driver);
    // The per-minute phone limit sits behind the 60 s cooldown; without it, it can be reached.
    noCooldown = await startIdentityApp(driver, { policy: { resendCooldownSeconds: 0 } });
  });
  afterAll(async () => {
    await t.close();
    await noCooldown.close();
  });

  it('refuses a second code for the same phone within 60 s, with Retry-After', async () => {
    const { phone, ip } = freshClient();
    await sendCode(t, phone, ip).expect(200);
    const res = await sendCode(t, phone, freshClient().ip).expect(429);
    expect(res.body.error.code).toBe('RATE_LIMITED');
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(t.sms.sent.filter((m) => m.phone === phone)).toHaveLength(1);
    expect(await countCodes(t, 'phone', phone)).toBe(1);
  });

  it('sends at most 5 codes per phone per minute', async () => {
    const { phone } = freshClient();
    for (let i = 0; i < 5; i++) await sendCode(noCooldown, phone, freshClient().ip).expect(200);
    const res = await sendCode(noCooldown, phone, freshClient().ip).expect(429);
    expect(res.body.error.code).toBe('RATE_LIMITED');
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(noCooldown.sms.sent.filter((m) => m.phone === phone)).toHaveLength(5);
    expect(await countCodes(noCooldown, 'phone', phone)).toBe(5);
  });

  it('sends at most 20 codes per IP per hour, whatever the phones', async () => {
    const { ip } = freshClient();
    for (let i = 0; i < 20; i++) await sendCode(t, freshClient().phone, ip).expect(200);
    const { phone } = freshClient();
    const res = await sendCode(t, phone, ip).expect(429);
    expect(res.body.error.code).toBe('RATE_LIMITED');
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(60);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(await countCodes(t, 'ip', ip)).toBe(20);
    expect(await countCodes(t, 'phone', phone)).toBe(0);
    // Another network is not affected.
    await sendCode(t, phone, freshClient().ip).expect(200);
  });

  it('counts the refused requests too, so hammering does not reset anything', async () => {
    const { phone, ip } = freshClient();
    await sendCode(t, phone, ip).expect(200);
    for (let i = 0; i < 3; i++) await sendCode(t, phone, ip).expect(429);
    expect(await countCodes(t, 'phone', phone)).toBe(1);
  });

  it('limits login tries per IP', async () => {
    const limited = await startIdentityApp(driver, { policy: { loginsPerIpPer15Min: 3 } });
    try {
      const { phone, ip } = freshClient();
      for (let i = 0; i < 3; i++)
        await request(limited.backend.app)
          .post('/api/v1/auth/login')
          .set('X-Forwarded-For', ip)
          .send({ phone, code: '000000' })
          .expect(401);
      const res = await request(limited.backend.app)
        .post('/api/v1/auth/login')
        .set('X-Forwarded-For', ip)
        .send({ phone, code: '000000' })
        .expect(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });
});
