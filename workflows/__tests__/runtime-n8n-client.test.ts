import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { N8nHttpError, N8nPublicApi } from '../src/runtime/n8n-client';

/** A stand-in n8n: answers each request with the next of `answers` (the last one repeats). */
async function fakeN8n(answers: Array<[number, string]>): Promise<{ url: string; seen: string[]; server: Server }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      seen.push(`${req.method} ${req.url} ${body}`);
      const [status, text] = answers[Math.min(seen.length - 1, answers.length - 1)];
      res.writeHead(status, { 'content-type': 'application/json' }).end(text);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

describe('n8n client', () => {
  const servers: Server[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it('sends a request again while n8n answers 503 "Database is not ready!" (refused before any route ran)', async () => {
    const notReady: [number, string] = [503, '{"code":503,"message":"Database is not ready!"}'];
    const n8n = await fakeN8n([notReady, notReady, [200, '{"id":"c1"}']]);
    servers.push(n8n.server);
    const created = await new N8nPublicApi(n8n.url, 'key').call<{ id: string }>('POST', '/credentials', { name: 'x' });
    expect(created).toEqual({ id: 'c1' });
    expect(n8n.seen).toEqual(Array(3).fill('POST /api/v1/credentials {"name":"x"}'));
  });

  it('does not resend any other error, a 503 with another reason included', async () => {
    for (const answer of [
      [503, '{"code":503,"message":"Service Unavailable"}'],
      [500, '{"message":"Database is not ready!"}'],
      [400, '{"message":"bad request"}'],
    ] as Array<[number, string]>) {
      const n8n = await fakeN8n([answer, [200, '{}']]);
      servers.push(n8n.server);
      const error = await new N8nPublicApi(n8n.url, 'key').call('POST', '/workflows', {}).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(N8nHttpError);
      expect((error as N8nHttpError).status).toBe(answer[0]);
      expect(n8n.seen).toHaveLength(1);
    }
  });
});
