import http from 'node:http';
import https from 'node:https';
import { AppError, PayloadTooLargeError } from '../errors/app-error';
import { assertPublicUrl, guardedLookup, PRIVATE_ADDRESS_REFUSED } from './public-url-guard';

export interface PublicFetchOptions {
  /** Outside production: loopback and private addresses may be fetched (tests, a local n8n). */
  allowPrivate: boolean;
  /** Error code when the URL (or a redirect) points at an internal address. */
  privateCode: string;
  maxBytes: number;
  /** One deadline for the whole exchange, redirects included. */
  timeoutMs: number;
  maxRedirects?: number;
}

export interface FetchedBody {
  bytes: Buffer;
  /** The server's claim only: callers sniff the bytes instead of trusting it. */
  contentType: string | null;
}

type Hop = FetchedBody | { location: string };

const fetchFailed = (message: string) => new AppError(400, 'URL_FETCH_FAILED', `url: ${message}`);

/**
 * GETs a URL a merchant gave us, through the SSRF guard: the URL is checked before the request
 * and the connection itself resolves through `guardedLookup`; a redirect is followed only after
 * its target passed the same check (at most `maxRedirects`, http(s) only). The body is read up to
 * `maxBytes` (413 beyond, also when Content-Length announces more). Every failure is a 4xx: the
 * URL is the caller's input.
 */
export async function fetchPublic(raw: string, options: PublicFetchOptions): Promise<FetchedBody> {
  const guard = { allowPrivate: options.allowPrivate, code: options.privateCode };
  const deadline = Date.now() + options.timeoutMs;
  const maxRedirects = options.maxRedirects ?? 3;
  let url = await assertPublicUrl(raw, guard);
  for (let redirects = 0; ; redirects++) {
    const hop = await getOnce(url, options, deadline);
    if (!('location' in hop)) return hop;
    if (redirects >= maxRedirects) throw fetchFailed(`more than ${maxRedirects} redirects`);
    let next: string;
    try {
      next = new URL(hop.location, url).toString();
    } catch {
      throw fetchFailed('the server redirected to an invalid location');
    }
    url = await assertPublicUrl(next, guard);
  }
}

function getOnce(url: URL, options: PublicFetchOptions, deadline: number): Promise<Hop> {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise<Hop>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const fail = (err: Error) => settle(() => reject(err));
    const req = transport.get(
      url,
      {
        agent: false,
        lookup: options.allowPrivate ? undefined : guardedLookup,
        headers: { 'User-Agent': 'AiPhoto-Fetch/1', Accept: 'image/*' },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400 && res.headers.location) {
          res.resume();
          return settle(() => resolve({ location: res.headers.location! }));
        }
        if (status < 200 || status >= 300) {
          res.resume();
          return fail(fetchFailed(`the server answered ${status}`));
        }
        const tooLarge = () => new PayloadTooLargeError(`The image is larger than ${options.maxBytes} bytes`);
        if (Number(res.headers['content-length'] ?? 0) > options.maxBytes) {
          req.destroy();
          return fail(tooLarge());
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > options.maxBytes) {
            req.destroy();
            return fail(tooLarge());
          }
          chunks.push(chunk);
        });
        res.on('end', () =>
          settle(() => resolve({ bytes: Buffer.concat(chunks), contentType: res.headers['content-type'] ?? null })),
        );
        res.on('error', (err) => fail(fetchFailed(err.message)));
      },
    );
    const timer = setTimeout(
      () => {
        fail(fetchFailed(`no complete answer within ${options.timeoutMs} ms`));
        req.destroy();
      },
      Math.max(0, deadline - Date.now()),
    );
    req.on('error', (err: NodeJS.ErrnoException) =>
      fail(
        err.code === PRIVATE_ADDRESS_REFUSED
          ? new AppError(400, options.privateCode, 'url: must not point at a loopback, private or link-local address')
          : fetchFailed(err.message),
      ),
    );
  });
}
