import COS from 'cos-nodejs-sdk-v5';
import { BUCKET, startTestSandbox, TEST_COS, type TestSandbox } from '../../__tests__/test-sandbox';

describe('sandbox COS with the real cos-nodejs-sdk-v5 client', () => {
  let sandbox: TestSandbox;
  let cos: COS;

  beforeAll(async () => {
    sandbox = await startTestSandbox();
    cos = sandbox.cosClient();
  });
  afterAll(() => sandbox.stop());

  it('stores an object with putObject and returns the same bytes and type with getObject', async () => {
    const body = Buffer.from('garment bytes \u00e9');
    const put = await cos.putObject({
      ...BUCKET,
      Key: 'input/u1/a b+c.txt',
      Body: body,
      ContentType: 'text/plain; charset=utf-8',
    });
    expect(put.statusCode).toBe(200);
    expect(put.ETag).toMatch(/^"[0-9a-f]{32}"$/);

    const got = await cos.getObject({ ...BUCKET, Key: 'input/u1/a b+c.txt' });
    expect(Buffer.from(got.Body as Buffer).equals(body)).toBe(true);
    expect(got.headers?.['content-type']).toBe('text/plain; charset=utf-8');
  });

  it('answers headObject with length and ETag, and 404 once deleted', async () => {
    await cos.putObject({ ...BUCKET, Key: 'input/u1/head.bin', Body: Buffer.alloc(1234, 7) });
    const head = await cos.headObject({ ...BUCKET, Key: 'input/u1/head.bin' });
    expect(head.statusCode).toBe(200);
    expect(head.headers?.['content-length']).toBe('1234');
    expect(head.ETag).toMatch(/^"[0-9a-f]{32}"$/);

    await cos.deleteObject({ ...BUCKET, Key: 'input/u1/head.bin' });
    await expect(cos.headObject({ ...BUCKET, Key: 'input/u1/head.bin' })).rejects.toMatchObject({ statusCode: 404 });
  });

  it('serves a getObjectUrl signed URL to a plain fetch', async () => {
    await cos.putObject({
      ...BUCKET,
      Key: 'output/u1/t1/main.jpg',
      Body: Buffer.from('jpeg-ish'),
      ContentType: 'image/jpeg',
    });
    const url = cos.getObjectUrl(
      { ...BUCKET, Key: 'output/u1/t1/main.jpg', Sign: true, Expires: 600 },
      () => undefined,
    );
    expect(url).toContain(`http://127.0.0.1:${sandbox.port}/output/u1/t1/main.jpg?`);
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(await res.text()).toBe('jpeg-ish');
  });

  it('rejects an expired signed URL with 403 AccessDenied', async () => {
    await cos.putObject({ ...BUCKET, Key: 'input/u1/old.txt', Body: Buffer.from('x') });
    const now = Math.floor(Date.now() / 1000);
    const auth = COS.getAuthorization({
      SecretId: TEST_COS.secretId,
      SecretKey: TEST_COS.secretKey,
      Method: 'get',
      Key: 'input/u1/old.txt',
      KeyTime: `${now - 3600};${now - 60}`,
    });
    const res = await fetch(`${sandbox.url}/input/u1/old.txt?${auth}`);
    expect(res.status).toBe(403);
    const xml = await res.text();
    expect(xml).toContain('<Code>AccessDenied</Code>');
    expect(xml).toContain('expired');
  });

  it('rejects a signed URL whose signature was tampered with (SignatureDoesNotMatch)', async () => {
    await cos.putObject({ ...BUCKET, Key: 'input/u1/t.txt', Body: Buffer.from('x') });
    const url = cos.getObjectUrl({ ...BUCKET, Key: 'input/u1/t.txt', Sign: true }, () => undefined);
    const tampered = url.replace('/input/u1/t.txt', '/input/u1/other.txt');
    const res = await fetch(tampered);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<Code>SignatureDoesNotMatch</Code>');
  });

  it('rejects a client with the wrong secret key, and one with an unknown SecretId', async () => {
    const wrongKey = sandbox.cosClient({ SecretId: TEST_COS.secretId, SecretKey: 'not-the-key' });
    await expect(
      wrongKey.putObject({ ...BUCKET, Key: 'input/u1/x.txt', Body: Buffer.from('x') }),
    ).rejects.toMatchObject({
      statusCode: 403,
      code: 'SignatureDoesNotMatch',
    });
    const wrongId = sandbox.cosClient({ SecretId: 'AKIDother', SecretKey: TEST_COS.secretKey });
    await expect(wrongId.getObject({ ...BUCKET, Key: 'input/u1/t.txt' })).rejects.toMatchObject({
      statusCode: 403,
      code: 'InvalidAccessKeyId',
    });
  });

  it('rejects unsigned requests and answers a missing key with NoSuchKey', async () => {
    const unsigned = await fetch(`${sandbox.url}/input/u1/t.txt`);
    expect(unsigned.status).toBe(403);
    expect(await unsigned.text()).toContain('<Code>AccessDenied</Code>');
    await expect(cos.getObject({ ...BUCKET, Key: 'input/u1/missing.jpg' })).rejects.toMatchObject({
      statusCode: 404,
      code: 'NoSuchKey',
    });
  });

  it('accepts path-style requests (/<bucket>/<key>), as older SDKs and other S3-style tools send them', async () => {
    await cos.putObject({ ...BUCKET, Key: 'input/u2/p.txt', Body: Buffer.from('path style') });
    const pathname = `/${TEST_COS.bucket}/input/u2/p.txt`;
    const auth = COS.getAuthorization({
      SecretId: TEST_COS.secretId,
      SecretKey: TEST_COS.secretKey,
      Method: 'get',
      Pathname: pathname,
    });
    const res = await fetch(`${sandbox.url}${pathname}`, { headers: { Authorization: auth } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('path style');
  });

  it('answers browser CORS preflights without a signature, like a bucket with an open CORS rule', async () => {
    const res = await fetch(`${sandbox.url}/input/u1/x.jpg`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'http://localhost:3000',
        'Access-Control-Request-Method': 'PUT',
        'Access-Control-Request-Headers': 'authorization,content-type',
      },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization,content-type');
  });

  it('counts the calls by endpoint', async () => {
    const res = await fetch(`${sandbox.url}/sandbox/calls`);
    const { calls } = (await res.json()) as { calls: Record<string, number> };
    expect(calls['cos:PutObject']).toBeGreaterThanOrEqual(5);
    expect(calls['cos:GetObject']).toBeGreaterThanOrEqual(3);
    expect(calls['cos:HeadObject']).toBeGreaterThanOrEqual(2);
    expect(calls['cos:DeleteObject']).toBe(1);
  });
});
