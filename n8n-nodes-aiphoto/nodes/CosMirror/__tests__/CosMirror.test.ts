import nock from 'nock';
import type { IDataObject } from 'n8n-workflow';

import { captureHeader, fakeExecuteContext } from '../../../test-helpers/fake-context';
import { CosMirror } from '../CosMirror.node';
import { extensionFromUrl, mirrorKey } from '../mirror';

const COS_ENDPOINT = 'http://127.0.0.1:9400';
const VENDOR = 'https://rh-images.example.com';
const credentials = {
  secretId: 'AKIDm',
  secretKey: 'mk',
  region: 'ap-shanghai',
  bucket: 'b-1',
  endpoint: COS_ENDPOINT,
};

function run(parameters: IDataObject, continueOnFail = false) {
  const context = fakeExecuteContext({ parameters, credentials: { tencentCloudApi: credentials }, continueOnFail });
  return new CosMirror().execute.call(context);
}

describe('COS Mirror node', () => {
  afterEach(() => nock.cleanAll());

  it('downloads each URL and PUTs it signed as <prefix>01.png, 02.png… in order', async () => {
    const put: Record<string, string> = {};
    nock(VENDOR).get('/out/a.png').query(true).reply(200, Buffer.from('AAA'), { 'Content-Type': 'image/png' });
    nock(VENDOR).get('/out/b.png').reply(200, Buffer.from('BBBB'), { 'Content-Type': 'image/png' });
    const cos = nock(COS_ENDPOINT)
      .head('/output/u1/t1/01.png')
      .reply(404)
      .head('/output/u1/t1/02.png')
      .reply(404)
      .put('/output/u1/t1/01.png', (body: string) => body === 'AAA')
      .matchHeader('authorization', captureHeader(put, 'auth'))
      .matchHeader('content-type', 'image/png')
      .reply(200)
      .put('/output/u1/t1/02.png', (body: string) => body === 'BBBB')
      .reply(200);

    const [[item]] = await run({
      urls: [`${VENDOR}/out/a.png?Expires=1&Signature=x`, `${VENDOR}/out/b.png`],
      outputPrefix: 'output/u1/t1/',
    });

    expect(item.json).toEqual({ resultKeys: ['output/u1/t1/01.png', 'output/u1/t1/02.png'], uploaded: 2, skipped: 0 });
    expect(cos.isDone()).toBe(true);
    expect(new URLSearchParams(put.auth).get('q-header-list')).toBe('content-type;host');
  });

  it('copies nothing more once the execution is stopped (a task canceled while mirroring)', async () => {
    const stop = new AbortController();
    nock(VENDOR).get('/out/a.png').reply(200, Buffer.from('AAA'), { 'Content-Type': 'image/png' });
    nock(VENDOR).get('/out/b.png').reply(200, Buffer.from('BBB'), { 'Content-Type': 'image/png' });
    nock(COS_ENDPOINT)
      .head('/output/u1/t1/01.png')
      .reply(404)
      .put('/output/u1/t1/01.png')
      .reply(200, () => {
        stop.abort(); // stopped while the first file is being stored
        return '';
      })
      .head('/output/u1/t1/02.png')
      .reply(404)
      .put('/output/u1/t1/02.png')
      .reply(200);
    const context = fakeExecuteContext({
      parameters: { urls: [`${VENDOR}/out/a.png`, `${VENDOR}/out/b.png`], outputPrefix: 'output/u1/t1/' },
      credentials: { tencentCloudApi: credentials },
      continueOnFail: true,
      cancelSignal: stop.signal,
    });
    await expect(new CosMirror().execute.call(context)).rejects.toThrow();
    // The second file was neither downloaded, nor looked for, nor stored.
    expect(nock.pendingMocks().sort()).toEqual([
      `GET ${VENDOR}:443/out/b.png`,
      `HEAD ${COS_ENDPOINT}/output/u1/t1/02.png`,
      `PUT ${COS_ENDPOINT}/output/u1/t1/02.png`,
    ]);
  });

  it('skips files whose key already exists, without downloading them (idempotent re-run)', async () => {
    nock(COS_ENDPOINT).head('/output/u1/t1/01.jpg').reply(200);
    const [[item]] = await run({ urls: JSON.stringify([`${VENDOR}/x.jpg`]), outputPrefix: 'output/u1/t1' });
    expect(item.json).toEqual({ resultKeys: ['output/u1/t1/01.jpg'], uploaded: 0, skipped: 1 });
  });

  it('takes the extension from the content type when the URL has none', async () => {
    nock(VENDOR).get('/file/123').reply(200, Buffer.from('W'), { 'Content-Type': 'image/webp' });
    const cos = nock(COS_ENDPOINT).head('/o/01.webp').reply(404).put('/o/01.webp').reply(200);
    const [[item]] = await run({ urls: [{ fileUrl: `${VENDOR}/file/123` }], outputPrefix: 'o/' });
    expect(item.json.resultKeys).toEqual(['o/01.webp']);
    expect(cos.isDone()).toBe(true);
  });

  it('reports an expired vendor URL as an API error naming the cause', async () => {
    nock(COS_ENDPOINT).head('/o/01.png').reply(404);
    nock(VENDOR).get('/gone.png').reply(403, 'AccessDenied');
    await expect(run({ urls: [`${VENDOR}/gone.png`], outputPrefix: 'o/' })).rejects.toThrow(
      /HTTP 403.*vendor URLs expire/,
    );
  });

  it('maps a COS error on PUT to a readable message', async () => {
    nock(VENDOR).get('/a.png').reply(200, Buffer.from('A'));
    nock(COS_ENDPOINT)
      .head('/o/01.png')
      .reply(404)
      .put('/o/01.png')
      .reply(403, '<Error><Code>AccessDenied</Code><Message>Access Denied.</Message></Error>');
    await expect(run({ urls: [`${VENDOR}/a.png`], outputPrefix: 'o/' })).rejects.toThrow(
      'Storing o/01.png in COS failed: Tencent Cloud denied access',
    );
  });

  it('rejects an empty list and a non-list with operator-facing errors', async () => {
    await expect(run({ urls: [], outputPrefix: 'o/' })).rejects.toThrow('No file URLs to mirror');
    await expect(run({ urls: 42, outputPrefix: 'o/' })).rejects.toThrow('File URLs must be a list of URLs');
  });

  it('stores a binary field (the slideshow MP4) as <prefix>01.mp4 with its type, once', async () => {
    const video = Buffer.from('....ftypisom-moov-mdat');
    const binary = { data: video, meta: { data: '', mimeType: 'video/mp4', fileName: 'album.mp4' } };
    const cos = nock(COS_ENDPOINT)
      .head('/output/u1/t9/01.mp4')
      .reply(404)
      .put('/output/u1/t9/01.mp4', (body: string) => body === video.toString())
      .matchHeader('content-type', 'video/mp4')
      .reply(200)
      .head('/output/u1/t9/01.mp4')
      .reply(200);
    const parameters = { source: 'binary', binaryField: 'data', outputPrefix: 'output/u1/t9/' };
    const context = () => fakeExecuteContext({ parameters, binary, credentials: { tencentCloudApi: credentials } });
    const [[first]] = await new CosMirror().execute.call(context());
    expect(first.json).toEqual({ resultKeys: ['output/u1/t9/01.mp4'], uploaded: 1, skipped: 0 });
    // A retried execution finds the object and writes nothing.
    const [[again]] = await new CosMirror().execute.call(context());
    expect(again.json).toEqual({ resultKeys: ['output/u1/t9/01.mp4'], uploaded: 0, skipped: 1 });
    expect(cos.isDone()).toBe(true);
  });

  it('builds two-digit keys and ignores query strings when reading extensions', () => {
    expect(mirrorKey('output/u/t/', 11, 'png')).toBe('output/u/t/12.png');
    expect(extensionFromUrl('https://h/a/b.JPEG?x=1.png')).toBe('jpeg');
    expect(extensionFromUrl('not a url')).toBeUndefined();
  });
});
