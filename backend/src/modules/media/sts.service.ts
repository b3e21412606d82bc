import STS from 'qcloud-cos-sts';
import type { AppConfig } from '../../config/config';
import { ServiceUnavailableError } from '../../errors/app-error';
import type { Logger } from '../../infra/logger';
import { inputPrefix, STS_UPLOAD_ACTIONS } from './media.config';

/** The `POST /uploads/sts` answer: what the COS browser SDK needs to upload directly. */
export interface UploadCredentials {
  credentials: { tmpSecretId: string; tmpSecretKey: string; sessionToken: string };
  startTime: number;
  /** Unix seconds. */
  expiredTime: number;
  bucket: string;
  region: string;
  /** `input/<userId>/*`: the only keys these credentials may write. */
  allowPrefix: string;
  /** Sandbox mode only: where to send the requests (the SDK's Domain/Protocol). */
  endpoint?: string;
  /** Sandbox mode only: says that these are not scoped credentials. */
  note?: string;
}

export interface StsPolicy {
  version: '2.0';
  statement: Array<{
    action: string[];
    effect: 'allow';
    principal: { qcs: string[] };
    resource: string[];
    condition: { numeric_less_than_equal: { 'cos:content-length': number } };
  }>;
}

/**
 * Upload-only policy on the user's input prefix (resource format from the COS STS docs), each
 * request at most `maxBytes` long (UPLOAD_MAX_BYTES): COS refuses a larger PUT before storing it.
 */
export function uploadPolicy(
  location: { region: string; appId: string; bucket: string },
  userId: string,
  maxBytes: number,
): StsPolicy {
  return {
    version: '2.0',
    statement: [
      {
        action: [...STS_UPLOAD_ACTIONS],
        effect: 'allow',
        principal: { qcs: ['*'] },
        resource: [`qcs::cos:${location.region}:uid/${location.appId}:${location.bucket}/${inputPrefix(userId)}*`],
        condition: { numeric_less_than_equal: { 'cos:content-length': maxBytes } },
      },
    ],
  };
}

type StorageSettings = AppConfig['storage'];

/**
 * Issues temporary COS credentials for direct browser uploads. Live mode asks Tencent STS
 * (GetFederationToken) with a policy limited to the caller's prefix. The sandbox has no STS,
 * so sandbox mode hands out its development key pair in the same shape (loopback use only).
 */
export class StsService {
  constructor(
    private readonly settings: StorageSettings,
    private readonly mode: 'sandbox' | 'live',
    private readonly sandboxUrl: string,
    private readonly logger: Logger,
  ) {}

  async issue(userId: string, now = new Date()): Promise<UploadCredentials> {
    const { bucket, region, appId, secretId, secretKey, stsDurationSeconds } = this.settings;
    if (!bucket || !appId || !secretId || !secretKey)
      throw new ServiceUnavailableError('Object storage is not configured', 'STORAGE_NOT_CONFIGURED');
    const allowPrefix = `${inputPrefix(userId)}*`;
    const base = { bucket, region, allowPrefix };

    if (this.mode === 'sandbox') {
      const startTime = Math.floor(now.getTime() / 1000);
      return {
        ...base,
        credentials: { tmpSecretId: secretId, tmpSecretKey: secretKey, sessionToken: '' },
        startTime,
        expiredTime: startTime + stsDurationSeconds,
        endpoint: this.sandboxUrl,
        note: 'sandbox: development key pair, not limited to allowPrefix (the sandbox has no STS)',
      };
    }

    try {
      const data = await STS.getCredential({
        secretId,
        secretKey,
        region,
        durationSeconds: stsDurationSeconds,
        policy: uploadPolicy({ region, appId, bucket }, userId, this.settings.uploadMaxBytes),
      });
      return {
        ...base,
        credentials: {
          tmpSecretId: data.credentials.tmpSecretId,
          tmpSecretKey: data.credentials.tmpSecretKey,
          sessionToken: data.credentials.sessionToken,
        },
        startTime: data.startTime,
        expiredTime: data.expiredTime,
      };
    } catch (err) {
      // STS errors name our account and policy; log them, answer a plain 503.
      this.logger.error({ err, userId }, 'STS getCredential failed');
      throw new ServiceUnavailableError('Could not issue upload credentials; try again later', 'STS_UNAVAILABLE');
    }
  }
}
