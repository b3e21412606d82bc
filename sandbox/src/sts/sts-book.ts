import { randomBytes } from 'node:crypto';
import type { CosPolicy } from './policy';

export interface TemporaryCredentials {
  tmpSecretId: string;
  tmpSecretKey: string;
  token: string;
  /** Unix seconds. */
  expiredTime: number;
  policy: CosPolicy;
}

/**
 * Temporary COS credentials the sandbox's STS issued, by secret id. Kept in memory: a restarted
 * sandbox has forgotten them (the portal asks for new ones). Expired ones are dropped as new
 * ones are issued, and the book never holds more than `maxEntries` (oldest dropped first).
 */
export class StsBook {
  private readonly issued = new Map<string, TemporaryCredentials>();

  constructor(private readonly maxEntries = 10_000) {}

  issue(policy: CosPolicy, expiredTime: number, nowSeconds: number): TemporaryCredentials {
    for (const [id, c] of this.issued) if (c.expiredTime <= nowSeconds) this.issued.delete(id);
    while (this.issued.size >= this.maxEntries) this.issued.delete(this.issued.keys().next().value as string);
    const credentials: TemporaryCredentials = {
      tmpSecretId: `AKIDsbxtmp${randomBytes(12).toString('hex')}`,
      tmpSecretKey: randomBytes(24).toString('base64url'),
      token: randomBytes(48).toString('base64url'),
      expiredTime,
      policy,
    };
    this.issued.set(credentials.tmpSecretId, credentials);
    return credentials;
  }

  find(tmpSecretId: string): TemporaryCredentials | undefined {
    return this.issued.get(tmpSecretId);
  }
}
