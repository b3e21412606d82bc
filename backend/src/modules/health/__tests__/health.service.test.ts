import { createServer, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { createLogger } from '../../../infra/logger';
import { DependencyDownError, HealthService } from '../health.service';

/** A loopback port nothing listens on any more. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function capture() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { logger: createLogger('info', 'test', sink), lines };
}

describe('readiness answers', () => {
  it('answers ok/down with a stable code per dependency and keeps error text in the log only', async () => {
    const log = capture();
    const port = await closedPort();
    const secretDetail = "Access denied for user 'aiphoto'@'10.0.0.7' (using password: YES)";
    const service = new HealthService(
      [
        { name: 'database', check: async () => undefined },
        {
          name: 'db2',
          check: async () => {
            throw new Error(secretDetail);
          },
        },
        {
          name: 'n8n',
          check: async () => {
            throw new DependencyDownError('UNHEALTHY', 'n8n answered 503');
          },
        },
        { name: 'slow', check: () => new Promise<void>(() => undefined) },
        {
          name: 'refused',
          check: async () => void (await fetch(`http://127.0.0.1:${port}/healthz`)),
        },
      ],
      log.logger,
      // Long enough for a refused connection on a loaded machine (fetch's first use loads undici);
      // 'slow' never answers, so it still shows the timeout.
      1_000,
    );
    const report = await service.readiness();
    expect(report.status).toBe('not_ready');
    expect(report.checks).toEqual({
      database: { status: 'ok', code: 'OK', ms: expect.any(Number) },
      db2: { status: 'down', code: 'CHECK_FAILED', ms: expect.any(Number) },
      n8n: { status: 'down', code: 'UNHEALTHY', ms: expect.any(Number) },
      slow: { status: 'down', code: 'TIMEOUT', ms: expect.any(Number) },
      refused: { status: 'down', code: 'UNREACHABLE', ms: expect.any(Number) },
    });
    expect(JSON.stringify(report)).not.toContain('Access denied');
    expect(log.lines.join('')).toContain('Access denied');
  });

  it('logs a failure when it starts or changes and when it recovers, not on every probe', async () => {
    const log = capture();
    let failing: Error | null = new Error('down for a while');
    const service = new HealthService(
      [
        {
          name: 'redis',
          check: async () => {
            if (failing) throw failing;
          },
        },
      ],
      log.logger,
    );
    await service.readiness();
    await service.readiness();
    expect(log.lines).toHaveLength(1);
    failing = new DependencyDownError('UNHEALTHY', 'other reason');
    await service.readiness();
    expect(log.lines).toHaveLength(2);
    failing = null;
    expect((await service.readiness()).status).toBe('ready');
    expect(log.lines).toHaveLength(3);
    expect(log.lines[2]).toContain('dependency ready again');
  });
});
