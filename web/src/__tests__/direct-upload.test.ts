import { createHash } from 'node:crypto';
import { setImmediate } from 'node:timers/promises';
import type COS from 'cos-js-sdk-v5';
import { ApiError, type UploadCredentials, type UploadResult } from '../api';
import {
  CredentialCache,
  cosOptions,
  DirectUploader,
  objectKey,
  sha256Hex,
  StsUnavailableError,
  type DirectApi,
} from '../lib/direct-upload';
import { BUSY_RETRIES, createUploader } from '../lib/uploader';
import { waitFor } from '../../../jest/wait-for';

const USER = '0b7c6f5e-2f1a-4c1e-9a53-8f7f3d1c2b10';
const creds = (startTime: number, lifetime = 1800, endpoint?: string): UploadCredentials => ({
  credentials: { tmpSecretId: 'AKIDtmp', tmpSecretKey: 'tmp-key', sessionToken: 'token' },
  startTime,
  expiredTime: startTime + lifetime,
  bucket: 'aiphoto-1250000000',
  region: 'ap-guangzhou',
  allowPrefix: `input/${USER}/*`,
  ...(endpoint ? { endpoint } : {}),
});
const photo = () => new File([Buffer.from('fake jpeg bytes')], 'photo.jpg', { type: 'image/jpeg' });
/** Lets the callbacks already queued run (a settled promise's handlers), then goes on. */
const flush = () => setImmediate();
/** Hashing runs off the main thread: wait until the fake SDK has been handed the upload. */
async function untilPut(): Promise<COS.UploadFileParams> {
  const [put] = await waitFor(
    () => FakeCos.last?.uploads ?? [],
    (uploads) => uploads.length > 0,
    {
      what: 'the upload handed to the SDK',
    },
  );
  return put;
}
function lastCos(): FakeCos {
  if (!FakeCos.last) throw new Error('the SDK was never constructed');
  return FakeCos.last;
}

describe('CredentialCache', () => {
  it('asks once for concurrent uploads and again only near expiredTime', async () => {
    let now = 1_000_000;
    const fetch = jest.fn(async () => creds(now));
    const cache = new CredentialCache(fetch, () => now);
    const [a, b, c] = await Promise.all([cache.get(), cache.get(), cache.get()]);
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(b).toBe(a);
    expect(c).toBe(a);
    now += 1800 - 301; // 301 s left: still used
    expect(await cache.get()).toBe(a);
    now += 2; // 299 s left: renewed before anything is signed with it
    expect(await cache.get()).not.toBe(a);
    expect(fetch).toHaveBeenCalledTimes(2);
  });

  it('renews short-lived credentials at half-life and forgets a failed request', async () => {
    let now = 2_000_000;
    const fetch = jest
      .fn()
      .mockRejectedValueOnce(new Error('down'))
      .mockImplementation(async () => creds(now, 60));
    const cache = new CredentialCache(fetch, () => now);
    await expect(cache.get()).rejects.toThrow('down');
    await flush();
    const first = await cache.get();
    now += 29;
    expect(await cache.get()).toBe(first);
    now += 2;
    expect(await cache.get()).not.toBe(first);
    expect(fetch).toHaveBeenCalledTimes(3);
  });
});

describe('direct upload helpers', () => {
  it('names the object by content hash inside the allowed prefix', async () => {
    const sha = await sha256Hex(photo());
    expect(sha).toBe(createHash('sha256').update('fake jpeg bytes').digest('hex'));
    expect(objectKey(`input/${USER}/*`, sha, 'image/png')).toBe(`input/${USER}/${sha}.png`);
    expect(() => objectKey('output/x/*', sha, 'image/jpeg')).toThrow(/unexpected upload prefix/);
  });

  it('points the SDK at the sandbox endpoint, else at COS over HTTPS', () => {
    expect(cosOptions(creds(100, 1800, 'http://127.0.0.1:9400'))).toMatchObject({
      SecretId: 'AKIDtmp',
      SecretKey: 'tmp-key',
      SecurityToken: 'token',
      StartTime: 100,
      ExpiredTime: 1900,
      Domain: '127.0.0.1:9400',
      Protocol: 'http:',
    });
    const live = cosOptions(creds(100));
    expect(live.Domain).toBeUndefined();
    expect(live.Protocol).toBe('https:');
  });
});

/** Stands in for the SDK: records what it was asked, reports progress and finishes when told. */
class FakeCos {
  static last: FakeCos | undefined;
  uploads: COS.UploadFileParams[] = [];
  canceled: string[] = [];
  finish: (err: COS.CosError) => void = () => undefined;
  constructor(readonly options: COS.COSOptions) {
    FakeCos.last = this;
  }
  uploadFile(params: COS.UploadFileParams, done: (err: COS.CosError) => void): void {
    this.uploads.push(params);
    params.onTaskReady?.('task-1');
    params.onProgress?.({ loaded: 5, total: 10, speed: 0, percent: 0.5 });
    this.finish = done;
  }
  cancelTask(id: string): void {
    this.canceled.push(id);
  }
}
const fakeSdk = async () => FakeCos as unknown as typeof COS; // only the members used are implemented

function directApi(sts: () => Promise<UploadCredentials>) {
  const confirmed: string[] = [];
  const api: DirectApi = {
    uploadCredentials: sts,
    confirmUpload: async (key: string) => {
      confirmed.push(key);
      return { key, width: 1, height: 1, size: 15, mime: 'image/jpeg', name: null };
    },
  };
  return { api, confirmed };
}

describe('DirectUploader', () => {
  it('puts the file once (simple upload) with progress, then confirms its key', async () => {
    const { api, confirmed } = directApi(async () =>
      creds(Math.floor(Date.now() / 1000), 1800, 'http://127.0.0.1:9400'),
    );
    const progress: number[] = [];
    FakeCos.last = undefined;
    const pending = new DirectUploader(api, 1000, fakeSdk).upload(photo(), (p) => progress.push(p));
    const put = await untilPut();
    expect(put).toMatchObject({
      Bucket: 'aiphoto-1250000000',
      Region: 'ap-guangzhou',
      Key: expect.stringMatching(new RegExp(`^input/${USER}/[0-9a-f]{64}\\.jpg$`)),
      SliceSize: 1000,
    });
    lastCos().finish(null);
    const result: UploadResult = await pending;
    expect(confirmed).toEqual([put.Key]);
    expect(result.key).toBe(put.Key);
    expect(progress).toEqual([0.5, 1]);
  });

  it('cancels the SDK task when aborted, refuses oversized files, and flags a 503 from STS', async () => {
    const { api } = directApi(async () => creds(Math.floor(Date.now() / 1000)));
    const abort = new AbortController();
    FakeCos.last = undefined;
    const pending = new DirectUploader(api, 1000, fakeSdk).upload(photo(), () => undefined, abort.signal);
    await untilPut();
    abort.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    expect(lastCos().canceled).toEqual(['task-1']);

    const big = new File([Buffer.alloc(2000)], 'big.jpg', { type: 'image/jpeg' });
    await expect(new DirectUploader(api, 1000, fakeSdk).upload(big, () => undefined)).rejects.toMatchObject({
      status: 413,
    });

    const down = directApi(async () => Promise.reject(new ApiError(503, 'STS_UNAVAILABLE', 'try later')));
    await expect(new DirectUploader(down.api, 1000, fakeSdk).upload(photo(), () => undefined)).rejects.toBeInstanceOf(
      StsUnavailableError,
    );
  });
});

describe('createUploader', () => {
  const server = { key: 'input/u/server.jpg', width: 1, height: 1, size: 1, mime: 'image/jpeg', name: null };
  const api = (mode: 'server' | 'direct') => ({
    upload: jest.fn(async () => server),
    uploadConfig: jest.fn(async () => ({ mode, maxBytes: 1000, maxPixels: 40_000_000, formats: ['image/jpeg'] })),
    uploadCredentials: jest.fn(),
    confirmUpload: jest.fn(),
  });

  it('uses the server path in server mode, asking for the mode once', async () => {
    const a = api('server');
    const makeDirect = jest.fn();
    const upload = createUploader(a, () => undefined, makeDirect);
    await upload(photo(), () => undefined);
    await upload(photo(), () => undefined);
    expect(a.upload).toHaveBeenCalledTimes(2);
    expect(a.uploadConfig).toHaveBeenCalledTimes(1);
    expect(makeDirect).not.toHaveBeenCalled();
  });

  it('uploads directly in direct mode and falls back to the server, once noted, when STS answers 503', async () => {
    const a = api('direct');
    const direct = { upload: jest.fn(async () => ({ ...server, key: 'input/u/direct.jpg' })) };
    const onFallback = jest.fn();
    const upload = createUploader(a, onFallback, () => direct);
    expect((await upload(photo(), () => undefined)).key).toBe('input/u/direct.jpg');

    direct.upload.mockRejectedValue(new StsUnavailableError(new ApiError(503, 'STS_UNAVAILABLE', 'down')));
    expect((await upload(photo(), () => undefined)).key).toBe(server.key);
    expect((await upload(photo(), () => undefined)).key).toBe(server.key);
    expect(onFallback).toHaveBeenCalledTimes(1);
    expect(direct.upload).toHaveBeenCalledTimes(2); // the third file went straight to the server

    const failing = createUploader(a, onFallback, () => ({
      upload: async () => Promise.reject(new ApiError(415, 'UNSUPPORTED_MEDIA_TYPE', 'no')),
    }));
    await expect(failing(photo(), () => undefined)).rejects.toMatchObject({ status: 415 }); // other errors are the file's own
  });

  it('tries a file again after Retry-After while the server answers 503 UPLOADS_BUSY, a few times at most', async () => {
    const a = api('server');
    const busy = () => new ApiError(503, 'UPLOADS_BUSY', 'busy', 2);
    a.upload.mockRejectedValueOnce(busy()).mockRejectedValueOnce(busy());
    const waited: number[] = [];
    const pause = async (ms: number) => void waited.push(ms);
    const upload = createUploader(a, () => undefined, jest.fn(), pause);
    expect((await upload(photo(), () => undefined)).key).toBe(server.key);
    expect(waited).toEqual([2000, 2000]);
    expect(a.upload).toHaveBeenCalledTimes(3);

    a.upload.mockRejectedValue(busy());
    await expect(upload(photo(), () => undefined)).rejects.toMatchObject({ code: 'UPLOADS_BUSY' });
    expect(a.upload).toHaveBeenCalledTimes(3 + 1 + BUSY_RETRIES);
  });
});
