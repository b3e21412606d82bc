import nock from 'nock';
import { createLogger } from '../../../infra/logger';
import { testConfig } from '../../../testing/test-config';
import { STS_UPLOAD_ACTIONS } from '../media.config';
import { StsService, uploadPolicy, type StsPolicy } from '../sts.service';

const USER = '0b7c6f5e-2f1a-4c1e-9a53-8f7f3d1c2b10';
const STS_HOST = 'https://sts.tencentcloudapi.com';
const liveEnv = {
  VENDOR_MODE: 'live',
  COS_SECRET_ID: 'AKIDtestLiveSecretId',
  COS_SECRET_KEY: 'test-live-secret-key',
  COS_BUCKET: 'photos-1250000000',
  COS_REGION: 'ap-shanghai',
};

function liveService(overrides: Record<string, string> = {}): StsService {
  const config = testConfig({ ...liveEnv, ...overrides });
  return new StsService(config.storage, config.vendors.mode, config.vendors.sandboxUrl, createLogger('silent'));
}

/**
 * The SDK sends a form body whose Policy is URL-encoded JSON (encoded once more by the form).
 * nock hands a matcher the form already decoded into an object.
 */
function parseStsForm(body: unknown): { params: URLSearchParams; policy: StsPolicy } {
  const params =
    typeof body === 'string' ? new URLSearchParams(body) : new URLSearchParams(body as Record<string, string>);
  return { params, policy: JSON.parse(decodeURIComponent(params.get('Policy') ?? '')) as StsPolicy };
}

function stsSuccess(expiredTime: number) {
  return {
    Response: {
      Credentials: { TmpSecretId: 'AKIDtmp', TmpSecretKey: 'tmp-key', Token: 'session-token' },
      ExpiredTime: expiredTime,
      Expiration: new Date(expiredTime * 1000).toISOString(),
      RequestId: 'req-1',
    },
  };
}

describe('StsService (live mode, Tencent STS mocked)', () => {
  afterEach(() => nock.cleanAll());

  it("asks STS for upload-only rights on the user's input prefix and nothing else", async () => {
    let sent: { params: URLSearchParams; policy: StsPolicy } | undefined;
    const expiredTime = Math.floor(Date.now() / 1000) + 1800;
    const scope = nock(STS_HOST)
      .post('/', (body: unknown) => {
        sent = parseStsForm(body);
        return true;
      })
      .reply(200, stsSuccess(expiredTime));

    const issued = await liveService().issue(USER);

    expect(scope.isDone()).toBe(true);
    expect(sent?.params.get('Action')).toBe('GetFederationToken');
    expect(sent?.params.get('SecretId')).toBe('AKIDtestLiveSecretId');
    expect(sent?.params.get('DurationSeconds')).toBe('1800');
    expect(sent?.params.get('Signature')).toBeTruthy();
    expect(sent?.policy.statement).toHaveLength(1);
    const [statement] = sent?.policy.statement ?? [];
    expect(statement.resource).toEqual([`qcs::cos:ap-shanghai:uid/1250000000:photos-1250000000/input/${USER}/*`]);
    expect(statement.effect).toBe('allow');
    expect(statement.action).toEqual([...STS_UPLOAD_ACTIONS]);
    expect(statement.action).not.toEqual(expect.arrayContaining(['name/cos:GetObject']));
    expect(statement.action.some((a) => /Delete|GetBucket|\*/.test(a))).toBe(false);
    // Simple uploads only, each at most UPLOAD_MAX_BYTES: multipart could assemble any size from small parts.
    expect(statement.action).toEqual(['name/cos:PutObject']);
    expect(statement.condition).toEqual({ numeric_less_than_equal: { 'cos:content-length': 20 * 1024 * 1024 } });

    expect(issued).toEqual({
      credentials: { tmpSecretId: 'AKIDtmp', tmpSecretKey: 'tmp-key', sessionToken: 'session-token' },
      startTime: expiredTime - 1800,
      expiredTime,
      bucket: 'photos-1250000000',
      region: 'ap-shanghai',
      allowPrefix: `input/${USER}/*`,
    });
  });

  it('uses the configured duration and an explicit APPID', async () => {
    let sent: { params: URLSearchParams; policy: StsPolicy } | undefined;
    nock(STS_HOST)
      .post('/', (body: unknown) => {
        sent = parseStsForm(body);
        return true;
      })
      .reply(200, stsSuccess(Math.floor(Date.now() / 1000) + 600));
    await liveService({ COS_STS_DURATION_SECONDS: '600', COS_APP_ID: '1300000001' }).issue(USER);
    expect(sent?.params.get('DurationSeconds')).toBe('600');
    expect(sent?.policy.statement[0].resource[0]).toContain(':uid/1300000001:photos-1250000000/');
  });

  it('puts UPLOAD_MAX_BYTES into the size condition', async () => {
    let sent: { params: URLSearchParams; policy: StsPolicy } | undefined;
    nock(STS_HOST)
      .post('/', (body: unknown) => {
        sent = parseStsForm(body);
        return true;
      })
      .reply(200, stsSuccess(Math.floor(Date.now() / 1000) + 1800));
    await liveService({ UPLOAD_MAX_BYTES: '5000000' }).issue(USER);
    expect(sent?.policy.statement[0].condition).toEqual({
      numeric_less_than_equal: { 'cos:content-length': 5_000_000 },
    });
  });

  it('answers 503 STS_UNAVAILABLE when STS refuses, without passing its message on', async () => {
    nock(STS_HOST)
      .post('/')
      .reply(200, {
        Response: { Error: { Code: 'AuthFailure.SignatureFailure', Message: 'secret account detail' }, RequestId: 'r' },
      });
    await expect(liveService().issue(USER)).rejects.toMatchObject({
      status: 503,
      code: 'STS_UNAVAILABLE',
      message: expect.not.stringContaining('secret'),
    });
  });

  it('answers 503 when STS cannot be reached', async () => {
    nock(STS_HOST).post('/').replyWithError('connect ECONNREFUSED');
    await expect(liveService().issue(USER)).rejects.toMatchObject({ status: 503 });
  });

  it('never builds a policy from an id that could widen the resource', () => {
    const where = { region: 'ap-shanghai', appId: '1250000000', bucket: 'photos-1250000000' };
    expect(() => uploadPolicy(where, '*', 1000)).toThrow();
    expect(() => uploadPolicy(where, '../other', 1000)).toThrow();
    expect(() => uploadPolicy(where, 'a/b', 1000)).toThrow();
  });
});

describe('StsService (sandbox mode)', () => {
  it("answers 503 STS_UNAVAILABLE when the sandbox's STS cannot be reached, never its own key pair", async () => {
    // Nothing listens on port 9 of loopback; media.integration.test.ts covers a running sandbox.
    const config = testConfig({ SANDBOX_URL: 'http://127.0.0.1:9' });
    const sts = new StsService(config.storage, config.vendors.mode, config.vendors.sandboxUrl, createLogger('silent'));
    await expect(sts.issue(USER)).rejects.toMatchObject({ status: 503, code: 'STS_UNAVAILABLE' });
  });
});
