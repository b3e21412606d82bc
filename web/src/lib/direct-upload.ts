/**
 * Direct uploads (UPLOAD_MODE=direct): the browser puts each image straight into COS with
 * temporary credentials from `POST /uploads/sts`, then `POST /uploads/confirm` has the server read
 * it back, sniff it and record it, so the key can be a task input. The bytes never pass through
 * the backend. Tencent's browser SDK (~160 kB) is loaded with `import()` on the first upload, so
 * the portal's main chunk does not carry it in server mode.
 */
import type COS from 'cos-js-sdk-v5';
import { ApiError, type ApiClient, type UploadCredentials, type UploadResult } from '../api';

/** Credentials with less than this left are renewed first: an upload started with them must finish. */
export const REFRESH_MARGIN_SECONDS = 300;

/** STS answered 503 (not configured, or Tencent STS failing): the caller falls back to server uploads. */
export class StsUnavailableError extends Error {
  constructor(readonly reason: ApiError) {
    super(reason.message);
    this.name = 'StsUnavailableError';
  }
}

/**
 * One set of STS credentials for every upload of the page: fetched once (concurrent uploads share
 * the request) and again when they come within the margin of `expiredTime`. The decision is taken
 * synchronously, so three uploads starting together never ask three times.
 */
export class CredentialCache {
  private held: { promise: Promise<UploadCredentials>; value: UploadCredentials | null } | null = null;

  constructor(
    private readonly fetchCredentials: () => Promise<UploadCredentials>,
    private readonly nowSeconds: () => number = () => Date.now() / 1000,
  ) {}

  get(): Promise<UploadCredentials> {
    const held = this.held;
    if (held && (held.value === null || stillFresh(held.value, this.nowSeconds()))) return held.promise;
    const entry: { promise: Promise<UploadCredentials>; value: UploadCredentials | null } = {
      promise: this.fetchCredentials(),
      value: null,
    };
    this.held = entry;
    entry.promise.then(
      (value) => void (entry.value = value),
      () => void (this.held === entry && (this.held = null)), // the next upload asks again
    );
    return entry.promise;
  }
}

function stillFresh(c: UploadCredentials, now: number): boolean {
  // Short lifetimes (COS_STS_DURATION_SECONDS may be 60) renew at half-life instead.
  const margin = Math.min(REFRESH_MARGIN_SECONDS, (c.expiredTime - c.startTime) / 2);
  return c.expiredTime - now > margin;
}

const EXTENSIONS: Record<string, string> = { 'image/jpeg': 'jpg', 'image/png': 'png', 'image/webp': 'webp' };

/**
 * `input/<userId>/<sha256>.<ext>` inside the credentials' `allowPrefix` (`input/<userId>/*`): the
 * same naming as server uploads, so the same photo lands on the same key. The extension follows
 * the browser's type; confirm sniffs the real one from the bytes.
 */
export function objectKey(allowPrefix: string, sha256: string, mime: string): string {
  const prefix = allowPrefix.replace(/\*$/, '');
  if (!/^input\/[A-Za-z0-9-]+\/$/.test(prefix)) throw new Error(`unexpected upload prefix ${allowPrefix}`);
  return `${prefix}${sha256}.${EXTENSIONS[mime] ?? 'jpg'}`;
}

export async function sha256Hex(file: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * SDK options for one set of credentials. The SDK signs with them as given (the `StartTime;ExpiredTime`
 * key time) and renews nothing itself; CredentialCache does. In sandbox mode `endpoint` names the
 * sandbox: `Domain` is its host:port, which the SDK also signs as the Host header — the same value
 * the browser sends, so the sandbox's q-sign check agrees.
 */
export function cosOptions(c: UploadCredentials): COS.COSOptions {
  const endpoint = c.endpoint ? new URL(c.endpoint) : null;
  return {
    SecretId: c.credentials.tmpSecretId,
    SecretKey: c.credentials.tmpSecretKey,
    SecurityToken: c.credentials.sessionToken,
    StartTime: c.startTime,
    ExpiredTime: c.expiredTime,
    ...(endpoint ? { Domain: endpoint.host, Protocol: endpoint.protocol } : { Protocol: 'https:' }),
    ProgressInterval: 200, // the default (1 s) makes small files jump from 0 to 100 %
  };
}

type Sdk = typeof COS;
/** The two endpoints a direct upload uses (a narrow type, so tests can hand in stand-ins). */
export type DirectApi = Pick<ApiClient, 'uploadCredentials' | 'confirmUpload'>;
const loadSdk = (): Promise<Sdk> => import('cos-js-sdk-v5').then((m) => m.default);

export class DirectUploader {
  private readonly credentials: CredentialCache;
  private client: { for: UploadCredentials; cos: COS } | null = null;

  constructor(
    private readonly api: DirectApi,
    private readonly maxBytes: number,
    private readonly sdk: () => Promise<Sdk> = loadSdk,
  ) {
    this.credentials = new CredentialCache(() =>
      api.uploadCredentials().catch((err: unknown) => {
        throw err instanceof ApiError && err.status === 503 ? new StsUnavailableError(err) : err;
      }),
    );
  }

  async upload(file: File, onProgress: (fraction: number) => void, signal?: AbortSignal): Promise<UploadResult> {
    // Checked here because COS would take the bytes and only confirm would refuse them.
    if (file.size > this.maxBytes)
      throw new ApiError(413, 'PAYLOAD_TOO_LARGE', `The file is larger than ${this.maxBytes} bytes`);
    const creds = await this.credentials.get();
    const [cos, sha256] = await Promise.all([this.clientFor(creds), sha256Hex(file)]);
    const key = objectKey(creds.allowPrefix, sha256, file.type);
    signal?.throwIfAborted();
    await put(
      cos,
      { Bucket: creds.bucket, Region: creds.region, Key: key, Body: file, SliceSize: this.maxBytes },
      onProgress,
      signal,
    );
    onProgress(1);
    // The file's own name goes along: downloads of the results are named after it.
    return this.api.confirmUpload(key, file.name);
  }

  private async clientFor(creds: UploadCredentials): Promise<COS> {
    const Sdk = await this.sdk();
    if (this.client?.for !== creds) this.client = { for: creds, cos: new Sdk(cosOptions(creds)) };
    return this.client.cos;
  }
}

/**
 * One simple upload (a single `PUT`, the sandbox has no multipart): `uploadFile` with `SliceSize` at
 * the upload limit always picks `putObject`, and unlike a bare `putObject` it runs as an SDK task,
 * which `cancelTask` aborts when the merchant removes the file.
 */
function put(
  cos: COS,
  params: COS.UploadFileParams,
  onProgress: (fraction: number) => void,
  signal?: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let taskId: string | null = null;
    const abort = () => {
      if (taskId) cos.cancelTask(taskId);
      reject(new ApiError(0, 'ABORTED', 'upload canceled'));
    };
    signal?.addEventListener('abort', abort, { once: true });
    cos.uploadFile(
      {
        ...params,
        onTaskReady: (id) => void (taskId = id),
        onProgress: (p) => onProgress(p.total ? p.loaded / p.total : 0),
      },
      (err) => {
        signal?.removeEventListener('abort', abort);
        if (err) reject(storageError(err));
        else resolve();
      },
    );
  });
}

/** The SDK's error as an ApiError: no status means the request never got an answer (network, CORS). */
function storageError(err: COS.CosSdkError): ApiError {
  const status = err.statusCode ?? 0;
  if (!status) return new ApiError(0, 'NETWORK', err.message || 'network error');
  return new ApiError(status, `COS_${err.code || status}`, err.message || `storage answered ${status}`);
}
