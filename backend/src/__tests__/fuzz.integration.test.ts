import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { fullApp, type FullApp } from '../testing/full-app';
import { fixedRequests, requestsFor, type Credentials } from '../testing/fuzz/arbitraries';
import { operationsOf, type OpenApiDocument, type Operation } from '../testing/fuzz/operations';
import { closeAgent, describeExchange, problemWith, send } from '../testing/fuzz/send';

jest.setTimeout(180_000);

/**
 * Requests per operation (the fixed repros count among them), and the seed that makes every run
 * send the same ones. `FUZZ_RUNS=500 FUZZ_SEED=<n>` explores further by hand.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 30);
const SEED = Number(process.env.FUZZ_SEED ?? 20_250_917);
const LANES = 3;

/**
 * Property-based fuzzing of the whole backend (SQLite, the vendor sandbox running, a merchant
 * with credits and the admin signed in): every operation of the OpenAPI document it generates
 * gets malformed path parameters, queries, bodies (wrong types, missing and extra fields, huge
 * strings, invalid JSON, bad Content-Encoding and charset, broken multipart), and bad or wrong
 * credentials. No answer may be a 5xx; every 4xx is `{ error: { code, message } }`.
 */
describe('fuzzing every operation of /api/docs', () => {
  let t: FullApp;
  let server: Server;
  let baseUrl: string;
  let operations: Operation[];
  let creds: Credentials;

  beforeAll(async () => {
    t = await fullApp({ RATE_LIMIT_API_PER_15MIN: '100000000' }, { sandbox: true });
    server = t.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const doc = await send(baseUrl, { method: 'GET', target: '/api/docs.json', headers: {} });
    operations = operationsOf(JSON.parse(doc.text) as OpenApiDocument);
    creds = { merchant: t.merchantToken, admin: t.adminToken, jwtSecret: t.config.auth.jwtSecret };
  });

  afterAll(async () => {
    closeAgent();
    await new Promise((resolve) => server?.close(resolve));
    await t?.close();
  });

  it('walks every documented operation, JSON and multipart bodies included', () => {
    const names = operations.map((op) => `${op.method} ${op.template}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'POST /api/v1/tasks',
        'GET /api/v1/tasks/{id}',
        'POST /api/v1/uploads',
        'PUT /api/v1/admin/settings/{key}',
        'POST /api/v1/payments/sandbox/notify',
        'GET /ready',
      ]),
    );
    expect(operations.find((op) => op.template === '/api/v1/uploads' && op.method === 'POST')?.fileField).toBe('file');
    expect(operations.filter((op) => op.json).length).toBeGreaterThan(15);
  });

  it('never answers a malformed request with a 5xx, and answers every 4xx in the error shape', async () => {
    const failures: string[] = [];
    const unreached: string[] = [];
    const fuzz = async (op: Operation) => {
      let found: string | null = null;
      const seen = new Set<number>();
      const property = fc.asyncProperty(requestsFor(op, creds), async (req) => {
        const res = await send(baseUrl, req);
        seen.add(res.status);
        const problem = problemWith(op, res);
        if (problem) {
          found = describeExchange(req, res, problem);
          throw new Error(found);
        }
      });
      const examples = fixedRequests(op, creds).map((req) => [req] as [typeof req]);
      try {
        await fc.assert(property, { numRuns: RUNS, seed: SEED, examples, endOnFailure: true });
      } catch (err) {
        failures.push(`${op.method} ${op.template}: ${found ?? (err as Error).message.slice(0, 1000)}`);
      }
      // The credentials must get through somewhere, or the handlers behind them were never fuzzed.
      if (op.secured && [...seen].every((status) => status === 401)) unreached.push(`${op.method} ${op.template}`);
    };
    // A few operations at a time: requests mostly wait on the database and the sockets.
    const queue = [...operations];
    await Promise.all(
      Array.from({ length: LANES }, async () => {
        for (let op = queue.shift(); op; op = queue.shift()) await fuzz(op);
      }),
    );
    expect(failures).toEqual([]);
    expect(unreached).toEqual([]);
  });
});
