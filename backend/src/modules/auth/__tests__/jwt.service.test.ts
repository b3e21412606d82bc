import jwt from 'jsonwebtoken';
import { JwtService } from '../jwt.service';

const SECRET = 'unit-test-jwt-secret-0123456789';
const service = new JwtService(SECRET, 3600);
const merchant = { sub: 'user-1', phone: '13800138000' };

function parts(token: string): [Record<string, unknown>, Record<string, unknown>, string] {
  const [h, p, s] = token.split('.');
  return [JSON.parse(Buffer.from(h, 'base64url').toString()), JSON.parse(Buffer.from(p, 'base64url').toString()), s];
}
const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

function expectRejected(audience: 'aiphoto-merchant' | 'aiphoto-admin', token: string): void {
  expect(() =>
    audience === 'aiphoto-merchant' ? service.verify(audience, token) : service.verify(audience, token),
  ).toThrow(expect.objectContaining({ status: 401, code: 'INVALID_TOKEN' }));
}

describe('JwtService', () => {
  it('round-trips merchant claims with issuer, audience and expiry', () => {
    const token = service.sign('aiphoto-merchant', merchant);
    expect(service.verify('aiphoto-merchant', token)).toMatchObject(merchant);
    const [header, payload] = parts(token);
    expect(header.alg).toBe('HS256');
    expect(payload).toMatchObject({ iss: 'aiphoto', aud: 'aiphoto-merchant', sub: 'user-1' });
    expect(Number(payload.exp) - Number(payload.iat)).toBe(3600);
  });

  it('rejects a token whose payload was changed', () => {
    const [header, payload, signature] = parts(service.sign('aiphoto-merchant', merchant));
    const forged = `${encode(header)}.${encode({ ...payload, sub: 'user-2' })}.${signature}`;
    expectRejected('aiphoto-merchant', forged);
  });

  it('rejects a token signed with another secret', () => {
    expectRejected(
      'aiphoto-merchant',
      new JwtService('some-other-secret-0123456789', 3600).sign('aiphoto-merchant', merchant),
    );
  });

  it('rejects alg "none"', () => {
    const [, payload] = parts(service.sign('aiphoto-merchant', merchant));
    expectRejected('aiphoto-merchant', `${encode({ alg: 'none', typ: 'JWT' })}.${encode(payload)}.`);
  });

  it('rejects another algorithm even with the right secret', () => {
    const token = jwt.sign({ phone: merchant.phone }, SECRET, {
      algorithm: 'HS512',
      issuer: 'aiphoto',
      audience: 'aiphoto-merchant',
      subject: 'user-1',
    });
    expectRejected('aiphoto-merchant', token);
  });

  it('rejects an expired token', () => {
    const token = jwt.sign({ phone: merchant.phone, exp: Math.floor(Date.now() / 1000) - 10 }, SECRET, {
      algorithm: 'HS256',
      issuer: 'aiphoto',
      audience: 'aiphoto-merchant',
      subject: 'user-1',
    });
    expectRejected('aiphoto-merchant', token);
  });

  it('keeps merchant and admin tokens apart', () => {
    expectRejected('aiphoto-admin', service.sign('aiphoto-merchant', merchant));
    expectRejected(
      'aiphoto-merchant',
      service.sign('aiphoto-admin', { sub: 'admin-1', username: 'root', role: 'admin' }),
    );
  });

  it('rejects garbage', () => {
    expectRejected('aiphoto-merchant', 'not.a.token');
    expectRejected('aiphoto-merchant', '');
  });

  describe('verified-token cache', () => {
    afterEach(() => {
      jest.restoreAllMocks();
      jest.useRealTimers();
    });

    it('checks a token once, then answers the same claims from memory, as copies', () => {
      const cached = new JwtService(SECRET, 3600);
      const token = cached.sign('aiphoto-merchant', merchant);
      const spy = jest.spyOn(jwt, 'verify');
      const first = cached.verify('aiphoto-merchant', token);
      const second = cached.verify('aiphoto-merchant', token);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(second).toEqual(first);
      (second as { phone: string }).phone = 'changed';
      expect(cached.verify('aiphoto-merchant', token)).toMatchObject(merchant);
    });

    it('never serves a token for another audience, nor a failure, from memory', () => {
      const cached = new JwtService(SECRET, 3600);
      const token = cached.sign('aiphoto-merchant', merchant);
      cached.verify('aiphoto-merchant', token);
      expect(() => cached.verify('aiphoto-admin', token)).toThrow(expect.objectContaining({ code: 'INVALID_TOKEN' }));
      const [header, payload, signature] = parts(token);
      const forged = `${encode(header)}.${encode({ ...payload, sub: 'user-2' })}.${signature}`;
      for (let i = 0; i < 2; i++)
        expect(() => cached.verify('aiphoto-merchant', forged)).toThrow(expect.objectContaining({ status: 401 }));
    });

    it('refuses a cached token from the second it expires, like an unchecked one', () => {
      jest.useFakeTimers({ now: new Date('2026-12-01T00:00:00Z') });
      const cached = new JwtService(SECRET, 60);
      const token = cached.sign('aiphoto-merchant', merchant);
      expect(cached.verify('aiphoto-merchant', token)).toMatchObject(merchant);
      jest.setSystemTime(new Date('2026-12-01T00:00:59Z'));
      expect(cached.verify('aiphoto-merchant', token)).toMatchObject(merchant);
      jest.setSystemTime(new Date('2026-12-01T00:01:00Z'));
      expect(() => cached.verify('aiphoto-merchant', token)).toThrow(
        expect.objectContaining({ code: 'INVALID_TOKEN' }),
      );
    });

    it('keeps at most cacheSize tokens and still verifies every token', () => {
      const cached = new JwtService(SECRET, 3600, { cacheSize: 2 });
      const tokens = ['a', 'b', 'c'].map((sub) => cached.sign('aiphoto-merchant', { sub, phone: '13800138000' }));
      const spy = jest.spyOn(jwt, 'verify');
      for (const t of tokens) cached.verify('aiphoto-merchant', t);
      // 'a' was pushed out by 'c': checked again; 'c' is still held.
      expect(cached.verify('aiphoto-merchant', tokens[0]).sub).toBe('a');
      expect(cached.verify('aiphoto-merchant', tokens[2]).sub).toBe('c');
      expect(spy).toHaveBeenCalledTimes(4);
      expect(new JwtService(SECRET, 3600, { cacheSize: 0 }).verify('aiphoto-merchant', tokens[1]).sub).toBe('b');
    });
  });
});
