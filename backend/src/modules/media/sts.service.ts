import { createHmac, randomInt } from 'node:crypto';
import STS from 'qcloud-cos-sts';
import { ServiceUnavailableError } from '../../errors/app-error';
import type { Logger } from '../../infra/logger';
import { inputPrefix, STS_UPLOAD_ACTIONS } from './media.config';
import type { StorageConfig } from './storage.config';

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

type StorageSettings = StorageConfig;

/** What STS answers, in the shape qcloud-cos-sts resolves with. */
interface FederationToken {
  credentials: { tmpSecretId: string; tmpSecretKey: string; sessionToken: string };
  startTime: number;
  expiredTime: number;
}

/**
 * GetFederationToken against the vendor sandbox's STS, which holds COS to the policy as Tencent
 * does. The request is the one qcloud-cos-sts 3.x sends to sts.tencentcloudapi.com (docs/vendor-facts.md):
 * a form with the API's HmacSHA1 signature over `POST<host>/?<sorted name=value>` (values before
 * form encoding; `Policy` is URL-encoded JSON). The SDK only speaks https to a fixed host, so
 * sandbox mode sends the same form here over the sandbox's plain HTTP.
 */
async function sandboxFederationToken(
  sandboxUrl: string,
  request: { secretId: string; secretKey: string; region: string; durationSeconds: number; policy: StsPolicy },
): Promise<FederationToken> {
  const url = new URL('/', sandboxUrl);
  const params: Record<string, string> = {
    SecretId: request.secretId,
    Timestamp: String(Math.floor(Date.now() / 1000)),
    Nonce: String(randomInt(10_000, 20_000)),
    Action: 'GetFederationToken',
    DurationSeconds: String(request.durationSeconds),
    Version: '2018-08-13',
    Region: request.region,
    Policy: encodeURIComponent(JSON.stringify(request.policy)),
    Name: 'cos-sts-nodejs',
  };
  const canonical = Object.keys(params)
    .sort()
    .map((name) => `${name}=${params[name]}`)
    .join('&');
  params.Signature = createHmac('sha1', request.secretKey).update(`POST${url.host}/?${canonical}`).digest('base64');
  const res = await fetch(url, {
    method: 'POST',
    headers: { accept: 'application/json', 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(params).toString(),
    signal: AbortSignal.timeout(10_000),
  });
  const answer = (await res.json()) as {
    Response?: {
      Error?: { Code: string; Message: string };
      Credentials?: { TmpSecretId: string; TmpSecretKey: string; Token: string };
      ExpiredTime?: number;
    };
  };
  const { Error: error, Credentials: c, ExpiredTime: expiredTime } = answer.Response ?? {};
  if (error || !c || !expiredTime) throw Object.assign(new Error(error?.Message ?? 'no credentials'), error ?? {});
  return {
    credentials: { tmpSecretId: c.TmpSecretId, tmpSecretKey: c.TmpSecretKey, sessionToken: c.Token },
    startTime: expiredTime - request.durationSeconds,
    expiredTime,
  };
}

/**
 * Issues temporary COS credentials for direct browser uploads: STS GetFederationToken with a
 * policy limited to the caller's prefix and to single PUTs of at most UPLOAD_MAX_BYTES. Live
 * mode asks Tencent STS through qcloud-cos-sts; sandbox mode asks the sandbox's STS, whose COS
 * enforces the same policy (a write outside the prefix is 403 there too), and names the sandbox
 * as the `endpoint` for the browser SDK.
 */
export class StsService {
  constructor(
    private readonly settings: StorageSettings,
    private readonly mode: 'sandbox' | 'live',
    private readonly sandboxUrl: string,
    private readonly logger: Logger,
  ) {}

  async issue(userId: string): Promise<UploadCredentials> {
    const { bucket, region, appId, secretId, secretKey, stsDurationSeconds, uploadMaxBytes } = this.settings;
    if (!bucket || !appId || !secretId || !secretKey)
      throw new ServiceUnavailableError('Object storage is not configured', 'STORAGE_NOT_CONFIGURED');
    const allowPrefix = `${inputPrefix(userId)}*`;
    const request = {
      secretId,
      secretKey,
      region,
      durationSeconds: stsDurationSeconds,
      policy: uploadPolicy({ region, appId, bucket }, userId, uploadMaxBytes),
    };
    try {
      const data: FederationToken =
        this.mode === 'sandbox'
          ? await sandboxFederationToken(this.sandboxUrl, request)
          : await STS.getCredential(request);
      return {
        bucket,
        region,
        allowPrefix,
        credentials: {
          tmpSecretId: data.credentials.tmpSecretId,
          tmpSecretKey: data.credentials.tmpSecretKey,
          sessionToken: data.credentials.sessionToken,
        },
        startTime: data.startTime,
        expiredTime: data.expiredTime,
        ...(this.mode === 'sandbox' ? { endpoint: this.sandboxUrl } : {}),
      };
    } catch (err) {
      // STS errors name our account and policy; log them, answer a plain 503.
      this.logger.error({ err, userId }, 'STS getCredential failed');
      throw new ServiceUnavailableError('Could not issue upload credentials; try again later', 'STS_UNAVAILABLE');
    }
  }
}
