import request from 'supertest';
import { drivers } from '../../../testing/test-db';
import { freshClient, startIdentityApp, type IdentityApp } from './identity-app';

// Real Redis with MySQL, the in-process store with SQLite (identity-app picks them).
describe.each(drivers)('SMS pumping guards on %s', (driver) => {
  let t: IdentityApp;
  const sendCode = (app: IdentityApp, phone: string, ip = freshClient().ip) =>
    request(app.backend.app).post('/api/v1/auth/send-code').set('X-Forwarded-For', ip).send({ phone });

  beforeAll(async () => {
    t = await startIdentityApp(driver, {
      env: { SMS_PER_PHONE_PER_DAY: '3', SMS_ALLOWED_COUNTRY_CODES: '+86, +852' },
      // Without the per-minute limits, only the daily cap stands between a phone and more codes.
      policy: { resendCooldownSeconds: 0, sendsPerPhonePerMinute: 100 },
    });
  });
  afterAll(() => t.close());

  it('sends only to the enabled country codes, counting nothing for the others', async () => {
    const ip = freshClient().ip;
    for (const phone of ['+14155550100', '+447700900123', '+85512345678']) {
      const res = await sendCode(t, phone, ip).expect(400);
      expect(res.body.error.code).toBe('SMS_COUNTRY_NOT_ALLOWED');
    }
    await sendCode(t, '+85291234567', ip).expect(200);
    await sendCode(t, '+8613912345678', ip).expect(200);
    expect(t.sms.sent.map((m) => m.phone)).toEqual(expect.arrayContaining(['+85291234567', '13912345678']));
    expect(t.sms.sent.some((m) => m.phone.startsWith('+1') || m.phone.startsWith('+44'))).toBe(false);
  });

  it('caps the codes one phone receives per day, whatever the addresses asking', async () => {
    const { phone } = freshClient();
    for (let i = 0; i < 3; i++) await sendCode(t, phone).expect(200);
    const res = await sendCode(t, phone).expect(429);
    expect(res.body.error.code).toBe('RATE_LIMITED');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(3600);
    expect(t.sms.sent.filter((m) => m.phone === phone)).toHaveLength(3);
    await sendCode(t, freshClient().phone).expect(200);
  });

  it('pauses every send once the daily budget is spent, and says so with its own code', async () => {
    const budget = await startIdentityApp(driver, { env: { SMS_DAILY_BUDGET: '4' } });
    try {
      const phones = [1, 2, 3, 4, 5, 6].map(() => freshClient().phone);
      for (const phone of phones.slice(0, 4)) await sendCode(budget, phone).expect(200);
      for (const phone of phones.slice(4)) {
        const res = await sendCode(budget, phone).expect(429);
        expect(res.body.error.code).toBe('SMS_BUDGET_EXHAUSTED');
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(3600);
      }
      expect(budget.sms.sent).toHaveLength(4);
    } finally {
      await budget.close();
    }
  });
});
