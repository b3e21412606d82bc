import { createServer, get, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import nock from 'nock';
import { allowLoopbackOnly } from '../../jest/network';

// The shared Jest setup (jest/after-env.js) lets unit tests reach this machine only.

function httpGet(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

describe('every unit test file may reach loopback only', () => {
  let server: Server;
  let port: number;
  beforeAll(async () => {
    server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('refuses a public host over http and fetch before any connection is made', async () => {
    await expect(httpGet('http://93.184.216.34/')).rejects.toMatchObject({ name: 'NetConnectNotAllowedError' });
    await expect(httpGet('http://example.com:8080/x')).rejects.toMatchObject({ name: 'NetConnectNotAllowedError' });
    await expect(fetch('https://example.com/')).rejects.toMatchObject({
      cause: expect.objectContaining({ message: expect.stringContaining('Disallowed net connect') }),
    });
  });

  it('lets requests to this machine through, by address and by name', async () => {
    await expect(httpGet(`http://127.0.0.1:${port}/`)).resolves.toBe(200);
    await expect(httpGet(`http://localhost:${port}/`)).resolves.toBe(200);
    await expect(fetch(`http://127.0.0.1:${port}/`).then((r) => r.text())).resolves.toBe('ok');
  });

  it('does not take a name that merely starts like loopback for loopback', async () => {
    await expect(httpGet('http://localhost.example.com/')).rejects.toMatchObject({
      name: 'NetConnectNotAllowedError',
    });
    await expect(httpGet('http://127.0.0.1.nip.io/')).rejects.toMatchObject({ name: 'NetConnectNotAllowedError' });
  });

  it('lets a nocked public host answer, and allowLoopbackOnly() undoes a wider allowance', async () => {
    nock('http://93.184.216.34').get('/nocked').reply(204);
    await expect(httpGet('http://93.184.216.34/nocked')).resolves.toBe(204);
    nock.enableNetConnect();
    allowLoopbackOnly();
    await expect(httpGet('http://198.51.100.7/again')).rejects.toMatchObject({ name: 'NetConnectNotAllowedError' });
  });
});
