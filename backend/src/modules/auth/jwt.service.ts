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
  /**
   * Tokens verified before, by audience and exact token text, with their expiry: every request of
   * a signed-in client carries the same token, and its HMAC check plus claim parsing was the
   * largest remaining cost of an authenticated read (~8 % of backend CPU for `GET /tasks/:id` in the
   * bench's window profile). Only successes are kept; an entry is used only before the token's own
   * `exp`, so a cached token expires exactly when a verified one would. Revocation never depended
   * on this check (the session check compares the token version on every request).
   */
  private readonly verified = new Map<string, { claims: Readonly<MerchantClaims | AdminClaims>; exp: number }>();

  constructor(
    secret: string,
    private readonly ttlSeconds: number,
    private readonly options: { cacheSize?: number } = {},
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
    const cacheKey = `${audience} ${token}`;
    const now = Math.floor(Date.now() / 1000);
    const hit = this.verified.get(cacheKey);
    // jsonwebtoken refuses a token once now >= exp; so does the cache.
    if (hit && now < hit.exp) return { ...hit.claims };
    if (hit) this.verified.delete(cacheKey);
    let claims: MerchantClaims | AdminClaims;
    let exp: unknown;
    try {
      const payload = jwt.verify(token, this.key, { algorithms: ['HS256'], issuer: ISSUER, audience });
      if (typeof payload === 'string' || typeof payload.sub !== 'string') throw new Error('malformed payload');
      claims = { ...payload, sub: payload.sub } as unknown as MerchantClaims | AdminClaims;
      exp = payload.exp;
    } catch {
      throw new UnauthorizedError('The token is invalid or expired', 'INVALID_TOKEN');
    }
    // Tokens without an expiry are never cached (ours always carry one).
    const limit = this.options.cacheSize ?? 10_000;
    if (typeof exp === 'number' && limit > 0) {
      // Oldest first out: a Map iterates in insertion order.
      while (this.verified.size >= limit) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(cacheKey, { claims: Object.freeze({ ...claims }), exp });
    }
    return claims;
  }
}
