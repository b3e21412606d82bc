import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import jwt from 'jsonwebtoken';
import { skeleton, type JsonSchema, type Operation } from './operations';

/** One request exactly as it goes on the wire. */
export interface FuzzRequest {
  method: string;
  /** Path and query, already percent-encoded (possibly wrongly, on purpose). */
  target: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface Credentials {
  merchant: string;
  admin: string;
  jwtSecret: string;
}

/** Percent-encodes every byte of the UTF-8 form except the unreserved characters. */
export function pct(value: string): string {
  return [...Buffer.from(value, 'utf8')]
    .map((b) =>
      /[A-Za-z0-9\-._~]/.test(String.fromCharCode(b))
        ? String.fromCharCode(b)
        : `%${b.toString(16).padStart(2, '0').toUpperCase()}`,
    )
    .join('');
}

const HUGE = 'a'.repeat(100_000);
const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

/** Path segments that broke servers before: bad escapes, prototype names, traversal, size. */
export const HOSTILE_SEGMENTS = [
  '%',
  '%zz',
  '%E0%A4%A',
  '%C0%AF',
  '%00',
  '%2e%2e',
  '%2F',
  '..',
  '-1',
  '1e309',
  'null',
  '%F0%9F%98%80',
  'a'.repeat(4096),
  ...PROTOTYPE_KEYS,
];

const segment = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_SEGMENTS) },
  { weight: 1, arbitrary: fc.uuid() },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).map(pct) },
);

const queryValue = fc.oneof(
  fc.constantFrom(
    '',
    '%',
    '%zz',
    '-1',
    '0',
    '99999999999999999999',
    '1e309',
    'NaN',
    'true',
    pct(HUGE.slice(0, 10_000)),
  ),
  fc.constantFrom(...PROTOTYPE_KEYS),
  fc.string({ unit: 'binary', maxLength: 30 }).map(pct),
  fc.integer().map(String),
);

function queryString(op: Operation): fc.Arbitrary<string> {
  const names = [...op.query.map((q) => q.name), ...PROTOTYPE_KEYS, 'x', 'a[b]', 'a[]'];
  return fc
    .array(fc.tuple(fc.constantFrom(...names), queryValue), { maxLength: 5 })
    .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${pct(k)}=${v}`).join('&')}` : ''));
}

/** Values of every JSON type, extremes and oversized ones: what a property gets instead of its own. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom(null, true, -1, 0, 1e308, -1e308, 2 ** 53 + 1, 0.5, '', ' ', HUGE, '\u0000', '\ud800', [], {}),
  fc.constantFrom(...PROTOTYPE_KEYS),
  fc.string({ unit: 'binary', maxLength: 50 }),
);

const DROP = Symbol('drop');

/** Sets an own property even for names like `__proto__` (so JSON.stringify writes it). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function jsonBodyText(schema: JsonSchema): fc.Arbitrary<string> {
  const base = skeleton(schema);
  const keys = [...Object.keys(schema.properties ?? {}), ...PROTOTYPE_KEYS, 'extra'];
  const mutated = fc
    .array(fc.tuple(fc.constantFrom(...keys), fc.oneof(fc.constant<typeof DROP>(DROP), wrongValue)), {
      minLength: 1,
      maxLength: 4,
    })
    .map((changes) => {
      const body = { ...(typeof base === 'object' && base !== null ? base : {}) } as Record<string, unknown>;
      for (const [key, value] of changes) {
        if (value === DROP) delete body[key];
        else setOwn(body, key, value);
      }
      return JSON.stringify(body);
    });
  return fc.oneof(
    { weight: 6, arbitrary: mutated },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom('{', '{"a":', '[1,2', 'nul', '\u0000', '{"a":1}}', '"\\ud800"', '', '[]'.repeat(2)),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom('['.repeat(10_000) + ']'.repeat(10_000), JSON.stringify({ a: 'x'.repeat(1_200_000) })),
    },
  );
}

const contentType = fc.oneof(
  { weight: 6, arbitrary: fc.constant('application/json') },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'application/json; charset=utf-8',
      'application/json; charset=latin1',
      'application/json; charset=utf-16',
      'application/json; charset=klingon',
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
      'application/vnd.api+json',
    ),
  },
);

type Encoding = 'none' | 'gzip-valid' | 'gzip' | 'deflate' | 'br' | 'x-unknown' | 'gzip, gzip';
const encoding = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Encoding>('none') },
  { weight: 3, arbitrary: fc.constantFrom<Encoding>('gzip-valid', 'gzip', 'deflate', 'br', 'x-unknown', 'gzip, gzip') },
);

function encode(body: Buffer, how: Encoding): { body: Buffer; header?: string } {
  if (how === 'none') return { body };
  if (how === 'gzip-valid') return { body: gzipSync(body), header: 'gzip' };
  // The bytes as they are, announced as compressed: not valid for the encoding.
  return { body, header: how };
}

/** A 1×1 PNG, and the same cut short: an image the server must decode to refuse. */
const PNG_1PX = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==',
  'base64',
);

function multipartBody(field: string): fc.Arbitrary<{ body: Buffer; type: string }> {
  const part = (
    boundary: string,
    name: string,
    content: Buffer,
    header = `form-data; name="${name}"; filename="a.png"`,
  ) =>
    Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: ${header}\r\nContent-Type: image/png\r\n\r\n`),
      content,
      Buffer.from('\r\n'),
    ]);
  const end = (boundary: string) => Buffer.from(`--${boundary}--\r\n`);
  const form = (content: Buffer) => Buffer.concat([part('b', field, content), end('b')]);
  return fc.oneof(
    fc.constantFrom(
      { body: form(PNG_1PX), type: 'multipart/form-data; boundary=b' },
      { body: form(Buffer.alloc(0)), type: 'multipart/form-data; boundary=b' },
      { body: form(PNG_1PX.subarray(0, 40)), type: 'multipart/form-data; boundary=b' },
      { body: form(PNG_1PX), type: 'multipart/form-data' },
      { body: form(PNG_1PX), type: 'multipart/form-data; boundary=other' },
      { body: part('b', field, PNG_1PX), type: 'multipart/form-data; boundary=b' },
      {
        body: Buffer.concat([part('b', field, PNG_1PX, 'form-data'), end('b')]),
        type: 'multipart/form-data; boundary=b',
      },
      {
        body: Buffer.from('--b\r\nContent-Disposition\r\n\r\nxx\r\n--b--\r\n'),
        type: 'multipart/form-data; boundary=b',
      },
      {
        body: Buffer.concat([part('b', field, PNG_1PX), part('b', field, PNG_1PX), end('b')]),
        type: 'multipart/form-data; boundary=b',
      },
      { body: Buffer.concat([part('b', 'x'.repeat(300), PNG_1PX), end('b')]), type: 'multipart/form-data; boundary=b' },
    ),
    fc
      .uint8Array({ maxLength: 2000 })
      .map((bytes) => ({ body: form(Buffer.from(bytes)), type: 'multipart/form-data; boundary=b' })),
  );
}

/** Authorization headers: the right token mostly, and every way of getting it wrong. */
function authHeaders(op: Operation, creds: Credentials): fc.Arbitrary<Record<string, string>> {
  const own = op.role === 'admin' ? creds.admin : creds.merchant;
  const other = op.role === 'admin' ? creds.merchant : creds.admin;
  const claims = { phone: '13900000000' };
  const options = { issuer: 'aiphoto', audience: 'aiphoto-merchant', subject: 'u-1' } as const;
  const forged = jwt.sign(claims, 'another-secret-entirely', { ...options, expiresIn: 600 });
  const expired = jwt.sign({ ...claims, exp: Math.floor(Date.now() / 1000) - 60 }, creds.jwtSecret, options);
  const unsigned = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(
    JSON.stringify({ ...claims, sub: 'u-1', aud: 'aiphoto-merchant', iss: 'aiphoto' }),
  ).toString('base64url')}.`;
  const bad = fc.constantFrom<Record<string, string>>(
    {},
    { Authorization: 'Bearer' },
    { Authorization: 'Bearer ' },
    { Authorization: 'Basic dXNlcjpwYXNz' },
    { Authorization: 'Bearer a.b.c' },
    { Authorization: `Bearer ${'x'.repeat(8000)}` },
    { Authorization: `Bearer ${forged}` },
    { Authorization: `Bearer ${expired}` },
    { Authorization: `Bearer ${unsigned}` },
    { Authorization: `Bearer ${own} extra` },
    { Authorization: 'Bearer ak_x_y' },
    { 'X-API-Key': 'ak_' },
    { 'X-API-Key': `ak_${'z'.repeat(5000)}` },
    { 'X-API-Key': 'ak_abcdefgh_%%%' },
    { Authorization: `Bearer ${other}` },
  );
  const right = fc.constant({ Authorization: `Bearer ${own}` });
  return op.secured
    ? fc.oneof({ weight: 4, arbitrary: right }, { weight: 2, arbitrary: bad })
    : fc.oneof({ weight: 3, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: bad });
}

function pathOf(op: Operation, values: string[]): string {
  let i = 0;
  return op.template.replace(/\{[^}]+\}/g, () => values[i++] ?? 'x');
}

/** Malformed requests for one operation: its parameters, body, encoding and auth all varied. */
export function requestsFor(op: Operation, creds: Credentials): fc.Arbitrary<FuzzRequest> {
  const params = fc.array(segment, { minLength: op.pathParams.length, maxLength: op.pathParams.length });
  const body: fc.Arbitrary<{ body?: Buffer; type?: string; encoding: Encoding }> = op.fileField
    ? fc
        .record({ form: multipartBody(op.fileField), encoding })
        .map(({ form, encoding: e }) => ({ ...form, encoding: e }))
    : op.json
      ? fc
          .record({ text: jsonBodyText(op.json), type: contentType, encoding })
          .map(({ text, type, encoding: e }) => ({ body: Buffer.from(text), type, encoding: e }))
      : fc.oneof(
          { weight: 3, arbitrary: fc.constant({ encoding: 'none' as Encoding }) },
          {
            // A body where none is expected (GET with a body, a form to a JSON-less route).
            weight: 1,
            arbitrary: fc
              .record({
                text: fc.constantFrom('{"a":1}', '{', 'a=1&b=2', 'x'.repeat(2000)),
                type: contentType,
                encoding,
              })
              .map(({ text, type, encoding: e }) => ({ body: Buffer.from(text), type, encoding: e })),
          },
        );
  return fc.record({ params, query: queryString(op), auth: authHeaders(op, creds), body }).map((r) => {
    const headers: Record<string, string> = { ...r.auth };
    let payload: Buffer | undefined;
    if (r.body.body) {
      const encoded = encode(r.body.body, r.body.encoding);
      payload = encoded.body;
      if (r.body.type) headers['Content-Type'] = r.body.type;
      if (encoded.header) headers['Content-Encoding'] = encoded.header;
    }
    return { method: op.method, target: pathOf(op, r.params) + r.query, headers, body: payload };
  });
}

/**
 * The requests of the hardening issue's repros, for every operation they apply to: always sent
 * (fast-check `examples`) before the random ones.
 */
export function fixedRequests(op: Operation, creds: Credentials): FuzzRequest[] {
  const auth = { Authorization: `Bearer ${op.role === 'admin' ? creds.admin : creds.merchant}` };
  const base = (params: string[] = []): FuzzRequest => ({
    method: op.method,
    target: pathOf(op, params),
    headers: auth,
  });
  const fill = (value: string) => op.pathParams.map(() => value);
  const requests: FuzzRequest[] = [base(fill('x')), { ...base(fill('x')), headers: {} }];
  if (op.pathParams.length) {
    for (const value of ['%', '%zz', '%E0%A4%A', '__proto__', 'constructor']) requests.push(base(fill(value)));
  }
  const json = Buffer.from(op.json ? JSON.stringify(skeleton(op.json)) : '{}');
  const withBody = (body: Buffer, headers: Record<string, string>): FuzzRequest => ({
    ...base(fill('x')),
    headers: { ...auth, 'Content-Type': 'application/json', ...headers },
    body,
  });
  for (const encodingName of ['gzip', 'deflate', 'br', 'x-unknown']) {
    requests.push(withBody(json, { 'Content-Encoding': encodingName }));
  }
  requests.push(withBody(json, { 'Content-Type': 'application/json; charset=klingon' }));
  requests.push(withBody(Buffer.from('{"a":'), {}));
  requests.push(withBody(gzipSync(JSON.stringify({ pad: ' '.repeat(3_000_000) })), { 'Content-Encoding': 'gzip' }));
  const many = Array.from({ length: 1001 }, (_, i) => `k${i}=v`).join('&');
  requests.push(withBody(Buffer.from(many), { 'Content-Type': 'application/x-www-form-urlencoded' }));
  return requests;
}
