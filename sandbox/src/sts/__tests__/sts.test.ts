import COS from 'cos-nodejs-sdk-v5';
import { request as httpRequest } from 'node:http';
import nock from 'nock';
import STS from 'qcloud-cos-sts';
import { BUCKET, startTestSandbox, TEST_COS, type TestSandbox } from '../../__tests__/test-sandbox';

const STS_HOST = 'sts.tencentcloudapi.com';
const PREFIX = 'input/0b7c6f5e-2f1a-4c1e-9a53-8f7f3d1c2b10/';
const MAX_BYTES = 1000;

/** What the backend asks for (backend/src/modules/media/sts.service.ts uploadPolicy). */
const uploadPolicy = (condition: unknown = { numeric_less_than_equal: { 'cos:content-length': MAX_BYTES } }) => ({
  version: '2.0',
  statement: [
    {
      action: ['name/cos:PutObject'],
      effect: 'allow',
      principal: { qcs: ['*'] },
      resource: [`qcs::cos:ap-guangzhou:uid/1250000000:${TEST_COS.bucket}/${PREFIX}*`],
      condition,
    },
  ],
});

/**
 * The sandbox's STS answers the request Tencent's own SDK (qcloud-cos-sts) sends: the SDK only
 * speaks https to sts.tencentcloudapi.com, so nock takes its request there and hands the exact
 * bytes, with the same Host, to the sandbox over loopback; the sandbox's answer goes back to the SDK.
 */
function relayStsTo(sandbox: TestSandbox): nock.Scope {
  return (
    nock(`https://${STS_HOST}`)
      .post('/')
      // nock 15 hands a reply function the intercepted request as a fetch Request.
      .reply(async (intercepted: Request) => {
        const form = await intercepted.text();
        const answer = await new Promise<string>((resolve, reject) => {
          const req = httpRequest(
            {
              host: '127.0.0.1',
              port: sandbox.port,
              method: 'POST',
              path: '/',
              headers: { host: STS_HOST, 'content-type': 'application/x-www-form-urlencoded' },
            },
            (res) => {
              let text = '';
              res.setEncoding('utf8');
              res.on('data', (c: string) => (text += c));
              res.on('end', () => resolve(text));
            },
          );
          req.on('error', reject);
          req.end(form);
        });
        return [200, JSON.parse(answer) as Record<string, unknown>];
      })
  );
}

describe('sandbox STS and temporary COS credentials', () => {
  let sandbox: TestSandbox;
  let clock = Date.now();

  beforeAll(async () => {
    sandbox = await startTestSandbox({ now: () => clock });
  });
  afterAll(() => sandbox.stop());
  afterEach(() => {
    nock.cleanAll();
    clock = Date.now();
  });

  const issue = (options: { secretKey?: string; policy?: object } = {}) => {
    relayStsTo(sandbox);
    return STS.getCredential({
      secretId: TEST_COS.secretId,
      secretKey: options.secretKey ?? TEST_COS.secretKey,
      region: 'ap-guangzhou',
      durationSeconds: 600,
      policy: options.policy ?? uploadPolicy(),
    });
  };

  /** A browser's COS client with the issued credentials, as the portal builds it. */
  const browser = (c: { tmpSecretId: string; tmpSecretKey: string; sessionToken: string }, token = c.sessionToken) =>
    new COS({
      SecretId: c.tmpSecretId,
      SecretKey: c.tmpSecretKey,
      SecurityToken: token,
      Domain: `127.0.0.1:${sandbox.port}`,
      Protocol: 'http:',
    });

  const status = (promise: Promise<unknown>) =>
    promise.then(
      (ok) => (ok as { statusCode?: number }).statusCode,
      (err: { statusCode?: number; code?: string }) => `${err.statusCode} ${err.code}`,
    );

  it("issues credentials to the SDK's signed request, in STS's answer shape, never the sandbox's own keys", async () => {
    const data = await issue();
    expect(data.credentials.tmpSecretId).toMatch(/^AKID/);
    expect(data.credentials.tmpSecretId).not.toBe(TEST_COS.secretId);
    expect(data.credentials.tmpSecretKey).not.toBe(TEST_COS.secretKey);
    expect(data.credentials.sessionToken.length).toBeGreaterThan(20);
    expect(data.expiredTime - Math.floor(Date.now() / 1000)).toBeGreaterThan(590);
    expect(data.expiredTime - data.startTime).toBe(600);
  });

  it('refuses a request signed with another secret key, and a policy it cannot evaluate', async () => {
    await expect(issue({ secretKey: 'not-the-sandbox-key' })).rejects.toMatchObject({
      Code: 'AuthFailure.SignatureFailure',
    });
    await expect(
      issue({ policy: uploadPolicy({ string_like: { 'cos:content-type': 'image/*' } }) }),
    ).rejects.toMatchObject({ Code: 'InvalidParameter.PolicyNotValid' });
  });

  it('lets the credentials write below their prefix only, within the size condition, and nothing else', async () => {
    const c = (await issue()).credentials;
    const cos = browser(c);
    const small = Buffer.alloc(MAX_BYTES, 1);
    expect(await status(cos.putObject({ ...BUCKET, Key: `${PREFIX}ok.jpg`, Body: small }))).toBe(200);

    // Another merchant's prefix, outputs, the bucket root: 403.
    for (const Key of ['input/someone-else/x.jpg', `output/${PREFIX.slice(6)}t1/main.jpg`, 'x.jpg']) {
      expect(await status(cos.putObject({ ...BUCKET, Key, Body: small }))).toBe('403 AccessDenied');
    }
    // One byte over the condition: 403, nothing stored.
    const over = `${PREFIX}big.jpg`;
    expect(await status(cos.putObject({ ...BUCKET, Key: over, Body: Buffer.alloc(MAX_BYTES + 1) }))).toBe(
      '403 AccessDenied',
    );
    // No read, head or delete, even of the object just written.
    expect(await status(cos.getObject({ ...BUCKET, Key: `${PREFIX}ok.jpg` }))).toBe('403 AccessDenied');
    expect(await status(cos.headObject({ ...BUCKET, Key: `${PREFIX}ok.jpg` }))).toMatch(/^403/);
    expect(await status(cos.deleteObject({ ...BUCKET, Key: `${PREFIX}ok.jpg` }))).toBe('403 AccessDenied');

    const own = sandbox.cosClient();
    await expect(own.headObject({ ...BUCKET, Key: over })).rejects.toMatchObject({ statusCode: 404 });
    const stored = await own.getObject({ ...BUCKET, Key: `${PREFIX}ok.jpg` });
    expect(Buffer.from(stored.Body as Buffer).equals(small)).toBe(true); // the sandbox's own keys still do everything
  });

  it('needs the session token, the right key and unexpired credentials', async () => {
    const c = (await issue()).credentials;
    const put = (cos: COS) => status(cos.putObject({ ...BUCKET, Key: `${PREFIX}t.jpg`, Body: Buffer.alloc(10) }));
    expect(await put(browser(c, ''))).toBe('403 AccessDenied');
    expect(await put(browser(c, 'someone-elses-token'))).toBe('403 AccessDenied');
    expect(await put(browser({ ...c, tmpSecretKey: 'guessed' }))).toBe('403 SignatureDoesNotMatch');
    expect(await put(browser(c))).toBe(200);
    clock = Date.now() + 601_000; // past expiredTime on the sandbox's clock
    expect(await put(browser(c))).toBe('403 AccessDenied');
  });
});
