import { createHmac, randomInt, timingSafeEqual } from 'node:crypto';

/**
 * Login codes are stored as HMAC-SHA256(secret, phone + ":" + code): a database leak does
 * not reveal live codes (a bare SHA-256 of 6 digits is reversed instantly), and binding the
 * phone means a row can never validate a login for another number.
 */
export class CodeHasher {
  private readonly key: Buffer;

  /** `secret` is AUTH_CODE_SECRET; without it a key is derived from the JWT secret. */
  constructor(secret: string | null, jwtSecret: string) {
    this.key = secret
      ? Buffer.from(secret, 'utf8')
      : createHmac('sha256', jwtSecret).update('aiphoto/verification-code/v1').digest();
  }

  hash(phone: string, code: string): string {
    return createHmac('sha256', this.key).update(`${phone}:${code}`).digest('hex');
  }

  matches(phone: string, code: string, storedHash: string): boolean {
    const expected = Buffer.from(storedHash, 'hex');
    const actual = Buffer.from(this.hash(phone, code), 'hex');
    return expected.length === actual.length && timingSafeEqual(expected, actual);
  }
}

/** Six digits from the CSPRNG, leading zeros kept. */
export function generateCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}
