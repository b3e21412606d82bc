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
});
