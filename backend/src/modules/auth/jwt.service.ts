import { createSecretKey, type KeyObject } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { UnauthorizedError } from '../../errors/app-error';

export type Audience = 'aiphoto-merchant' | 'aiphoto-admin';
const ISSUER = 'aiphoto';

export interface MerchantClaims {
  sub: string;
  phone: string;
  /** The account's token version when issued (absent in tokens older than sign-out everywhere: 0). */
  tv?: number;
}

export interface AdminClaims {
  sub: string;
  username: string;
  role: 'admin' | 'operator';
}

/**
 * HS256 tokens with issuer and audience checked. Merchant and admin tokens have different
 * audiences, so one can never be used as the other. `alg: none` and other algorithms are
 * refused because verification pins the algorithm list.
 */
export class JwtService {
  /**
   * The secret as a KeyObject, made once: given a string, jsonwebtoken first tries to parse it as
   * a PEM public key on every verify (a thrown and caught error each time) before treating it as
   * an HMAC secret — the largest single cost of an authenticated request in the bench's profile.
   */
  private readonly key: KeyObject;

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
  ) {
    this.key = createSecretKey(Buffer.from(secret, 'utf8'));
  }

  sign(audience: 'aiphoto-merchant', claims: MerchantClaims): string;
  sign(audience: 'aiphoto-admin', claims: AdminClaims): string;
  sign(audience: Audience, claims: MerchantClaims | AdminClaims): string {
    const { sub, ...rest } = claims;
    return jwt.sign(rest, this.key, {
      algorithm: 'HS256',
      expiresIn: this.ttlSeconds,
      issuer: ISSUER,
      audience,
      subject: sub,
    });
  }

  /** When a token (already verified) expires, in Unix seconds; null when it does not say. */
  expiresAt(token: string): number | null {
    const decoded = jwt.decode(token);
    return typeof decoded === 'object' && decoded !== null && typeof decoded.exp === 'number' ? decoded.exp : null;
  }

  verify(audience: 'aiphoto-merchant', token: string): MerchantClaims;
  verify(audience: 'aiphoto-admin', token: string): AdminClaims;
  verify(audience: Audience, token: string): MerchantClaims | AdminClaims {
    try {
      const payload = jwt.verify(token, this.key, { algorithms: ['HS256'], issuer: ISSUER, audience });
      if (typeof payload === 'string' || typeof payload.sub !== 'string') throw new Error('malformed payload');
      return { ...payload, sub: payload.sub } as unknown as MerchantClaims | AdminClaims;
    } catch {
      throw new UnauthorizedError('The token is invalid or expired', 'INVALID_TOKEN');
    }
  }
}
