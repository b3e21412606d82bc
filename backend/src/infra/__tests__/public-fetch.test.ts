import dns from 'node:dns';
import { Readable } from 'node:stream';
import nock from 'nock';
import { allowLoopbackOnly } from '../../../../jest/network';
import { fetchPublic, type PublicFetchOptions } from '../public-fetch';

// A public address as an IP literal: checked without DNS, and nock answers for it.
const PUBLIC = 'http://93.184.216.34';
const options: PublicFetchOptions = {
  allowPrivate: false,
  privateCode: 'URL_PRIVATE',
  maxBytes: 1000,
  timeoutMs: 2000,
};

describe('fetchPublic: the SSRF-guarded download of a merchant-given URL', () => {
  afterEach(() => {
    nock.cleanAll();
    allowLoopbackOnly();
    jest.restoreAllMocks();
  });

  it('answers the body and the claimed content type', async () => {
    nock(PUBLIC).get('/a.jpg').reply(200, Buffer.from('image bytes'), { 'Content-Type': 'image/jpeg' });
    await expect(fetchPublic(`${PUBLIC}/a.jpg`, options)).resolves.toEqual({
      bytes: Buffer.from('image bytes'),
      contentType: 'image/jpeg',
    });
  });

  it('follows a redirect to another public address, at most three', async () => {
    nock(PUBLIC).get('/old').reply(301, '', { Location: '/new' }).get('/new').reply(200, 'ok');
    expect((await fetchPublic(`${PUBLIC}/old`, options)).bytes.toString()).toBe('ok');
    const scope = nock(PUBLIC).get('/loop').times(4).reply(302, '', { Location: '/loop' });
    await expect(fetchPublic(`${PUBLIC}/loop`, options)).rejects.toMatchObject({
      status: 400,
      code: 'URL_FETCH_FAILED',
      message: expect.stringMatching(/more than 3 redirects/),
    });
    expect(scope.isDone()).toBe(true);
  });

  it.each([
    'http://169.254.169.254/latest/meta-data/',
    'http://10.0.0.8/internal.jpg',
    'http://localhost:3000/admin',
    'http://[::1]/x',
  ])('refuses a redirect to %s before connecting', async (target) => {
    nock(PUBLIC).get('/bounce').reply(302, '', { Location: target });
    await expect(fetchPublic(`${PUBLIC}/bounce`, options)).rejects.toMatchObject({ status: 400, code: 'URL_PRIVATE' });
  });

  it('refuses private addresses given directly, and non-http URLs whatever the setting', async () => {
    await expect(fetchPublic('http://127.0.0.1:9/a.jpg', options)).rejects.toMatchObject({ code: 'URL_PRIVATE' });
    await expect(fetchPublic('file:///etc/passwd', { ...options, allowPrivate: true })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(fetchPublic('https://u:p@example.com/a.jpg', options)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('refuses at connect time a name that resolved to a public address when checked (DNS rebinding)', async () => {
    jest.spyOn(dns.promises, 'lookup').mockResolvedValue([{ address: '93.184.216.34', family: 4 }] as never);
    jest
      .spyOn(dns, 'lookup')
      .mockImplementation(((_host: string, _opts: unknown, cb: (...args: unknown[]) => void) =>
        cb(null, [{ address: '127.0.0.1', family: 4 }])) as never);
    nock.enableNetConnect('rebind.test'); // let the request reach the socket layer, where lookup runs
    await expect(fetchPublic('http://rebind.test/a.jpg', options)).rejects.toMatchObject({ code: 'URL_PRIVATE' });
  });

  it('answers a failing server as 400 URL_FETCH_FAILED with its status', async () => {
    nock(PUBLIC).get('/gone.jpg').reply(404, 'not here');
    await expect(fetchPublic(`${PUBLIC}/gone.jpg`, options)).rejects.toMatchObject({
      status: 400,
      code: 'URL_FETCH_FAILED',
      message: expect.stringMatching(/answered 404/),
    });
  });

  it('stops reading past maxBytes (413), announced or streamed', async () => {
    nock(PUBLIC).get('/big.jpg').reply(200, Buffer.alloc(1001), { 'Content-Length': '1001' });
    await expect(fetchPublic(`${PUBLIC}/big.jpg`, options)).rejects.toMatchObject({ status: 413 });
    // No Content-Length: the cap applies while the body streams in.
    nock(PUBLIC)
      .get('/chunked.jpg')
      .reply(200, () => Readable.from([Buffer.alloc(600), Buffer.alloc(600)]));
    await expect(fetchPublic(`${PUBLIC}/chunked.jpg`, options)).rejects.toMatchObject({ status: 413 });
  });

  it('gives up when the whole exchange outlasts the timeout', async () => {
    nock(PUBLIC).get('/slow.jpg').delay(1000).reply(200, 'late');
    await expect(fetchPublic(`${PUBLIC}/slow.jpg`, { ...options, timeoutMs: 50 })).rejects.toMatchObject({
      code: 'URL_FETCH_FAILED',
      message: expect.stringMatching(/no complete answer within 50 ms/),
    });
  });
});
