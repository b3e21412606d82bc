import zlib from 'node:zlib';
import request from 'supertest';
import { fullApp, type FullApp } from '../../testing/full-app';

/**
 * Each malformed request the fuzzing run of the hardening issue answered with 500, against the
 * whole app: every one must be a 4xx in the error shape, with the code that says what was wrong.
 */
jest.setTimeout(60_000);

describe('client errors are answered 4xx in the error shape (whole app, SQLite)', () => {
  let t: FullApp;
  beforeAll(async () => {
    t = await fullApp();
  });
  afterAll(() => t?.close());

  const expectError = (res: request.Response, status: number, code: string) => {
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
    expect(typeof res.body.error.message).toBe('string');
  };
  const merchant = () => ({ Authorization: `Bearer ${t.merchantToken}` });
  const json = (path: string, encoding: string, body: string | Buffer) =>
    request(t.app)
      .post(path)
      .set(merchant())
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', encoding)
      // As is: superagent would serialise a Buffer as JSON because of the Content-Type.
      .serialize((raw: string | Buffer) => raw as never)
      .send(body);

  it.each(['gzip', 'deflate', 'br'])('answers a body that is not valid %s with 400', async (encoding) => {
    expectError(await json('/api/v1/tasks', encoding, 'not compressed'), 400, 'BAD_CONTENT_ENCODING');
  });

  it('answers a bad encoding on GET /ready with 400 too', async () => {
    const res = await request(t.app)
      .get('/ready')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .send('xx');
    expectError(res, 400, 'BAD_CONTENT_ENCODING');
  });

  it('answers an unknown encoding or charset with 415, and a body inflating past the limit with 413', async () => {
    expectError(await json('/api/v1/tasks', 'x-klingon', '{}'), 415, 'UNSUPPORTED_ENCODING');
    const charset = await request(t.app)
      .post('/api/v1/tasks')
      .set(merchant())
      .set('Content-Type', 'application/json; charset=klingon')
      .send('{}');
    expectError(charset, 415, 'UNSUPPORTED_CHARSET');
    const bomb = zlib.gzipSync(JSON.stringify({ pad: ' '.repeat(5_000_000) }));
    expect(bomb.length).toBeLessThan(20_000);
    expectError(await json('/api/v1/tasks', 'gzip', bomb), 413, 'PAYLOAD_TOO_LARGE');
  });

  it.each(['%', '%zz', '%E0%A4%A'])('answers bad percent-encoding %s in a path parameter with 400', async (id) => {
    expectError(await request(t.app).get(`/api/v1/tasks/${id}`).set(merchant()), 400, 'BAD_PATH_ENCODING');
    expectError(await request(t.app).delete(`/api/v1/webhooks/${id}`).set(merchant()), 400, 'BAD_PATH_ENCODING');
  });

  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty', 'prototype'])(
    'answers the prototype key %s as a path parameter with 404',
    async (key) => {
      const admin = { Authorization: `Bearer ${t.adminToken}` };
      expectError(
        await request(t.app).put(`/api/v1/admin/settings/${key}`).set(admin).send({ value: 1 }),
        404,
        'NOT_FOUND',
      );
      expectError(await request(t.app).get(`/api/v1/tasks/${key}`).set(merchant()), 404, 'NOT_FOUND');
    },
  );

  it('answers a notify to a channel that does not exist with 404, and a notify form with too many parameters with 400', async () => {
    for (const channel of ['%', '__proto__', 'nope']) {
      expectError(await request(t.app).post(`/api/v1/payments/${channel}/notify`).send('a=1'), 404, 'ROUTE_NOT_FOUND');
    }
    const many = Array.from({ length: 1001 }, (_, i) => `k${i}=v`).join('&');
    const res = await request(t.app).post('/api/v1/payments/sandbox/notify').type('form').send(many);
    expectError(res, 400, 'TOO_MANY_PARAMETERS');
  });

  describe('POST /api/v1/uploads with a malformed multipart body', () => {
    const upload = (contentType: string, body: string) =>
      request(t.app).post('/api/v1/uploads').set(merchant()).set('Content-Type', contentType).send(body);
    const part = (boundary: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\nContent-Type: image/png\r\n\r\nxx\r\n`;

    it('answers a 0-byte file with 400 EMPTY_FILE', async () => {
      const res = await request(t.app).post('/api/v1/uploads').set(merchant()).attach('file', Buffer.alloc(0), 'a.png');
      expectError(res, 400, 'EMPTY_FILE');
    });

    it.each([
      ['no boundary', 'multipart/form-data', part('abc')],
      ['a wrong boundary', 'multipart/form-data; boundary=abc', `${part('zzz')}--zzz--\r\n`],
      ['a truncated form', 'multipart/form-data; boundary=abc', part('abc')],
      [
        'a malformed part header',
        'multipart/form-data; boundary=abc',
        '--abc\r\nContent-Disposition\r\n\r\nxx\r\n--abc--\r\n',
      ],
    ])('answers %s with 400 MALFORMED_MULTIPART', async (_what, contentType, body) => {
      expectError(await upload(contentType, body), 400, 'MALFORMED_MULTIPART');
    });
  });

  it('lists at most 20 details and says how many there were', async () => {
    const res = await request(t.app)
      .post('/api/v1/webhooks')
      .set(merchant())
      .send({ url: 'https://example.com/hook', events: Array.from({ length: 10_000 }, () => 'nope') });
    expectError(res, 400, 'VALIDATION_FAILED');
    expect(res.body.error.details).toHaveLength(20);
    expect(res.body.error.detailCount).toBe(10_000);
    expect(res.text.length).toBeLessThan(5_000);
  });
});
