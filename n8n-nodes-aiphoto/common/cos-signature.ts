import { createHash, createHmac } from 'crypto';

/**
 * COS request signature, q-sign-algorithm=sha1 (Tencent COS "request signature" docs):
 *   SignKey      = HMAC-SHA1(SecretKey, KeyTime)
 *   HttpString   = method \n path \n params \n headers \n     (keys lower-cased, sorted, url-encoded)
 *   StringToSign = "sha1" \n KeyTime \n SHA1(HttpString) \n
 *   Signature    = HMAC-SHA1(SignKey, StringToSign)
 */

export interface CosSignInput {
  secretId: string;
  secretKey: string;
  method: string;
  /** Decoded object path starting with "/", e.g. "/input/u1/abc.jpg". */
  pathname: string;
  query: Record<string, string>;
  /** Only the headers that should be signed; the caller must send them unchanged. */
  headers: Record<string, string>;
  /** Unix seconds. */
  startTime: number;
  endTime: number;
}

/** Headers COS accepts in the signature; others (Authorization, User-Agent…) stay out. */
const SIGNABLE_HEADERS = new Set([
  'cache-control',
  'content-disposition',
  'content-encoding',
  'content-md5',
  'content-type',
  'expires',
  'host',
  'if-match',
  'if-modified-since',
  'if-none-match',
  'if-unmodified-since',
  'origin',
  'range',
  'pic-operations',
]);

export function isSignableHeader(name: string): boolean {
  const key = name.toLowerCase();
  return SIGNABLE_HEADERS.has(key) || key.startsWith('x-cos-') || key.startsWith('x-ci-');
}

/** encodeURIComponent plus the characters COS expects encoded as well. */
export function cosEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function canonical(pairs: Record<string, string>): { list: string; text: string } {
  const entries = Object.entries(pairs)
    .map(([key, value]) => [cosEncode(key).toLowerCase(), cosEncode(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    list: entries.map(([key]) => key).join(';'),
    text: entries.map(([key, value]) => `${key}=${value}`).join('&'),
  };
}

export function cosAuthorization(input: CosSignInput): string {
  const keyTime = `${input.startTime};${input.endTime}`;
  const params = canonical(input.query);
  const headers = canonical(input.headers);
  const httpString = [input.method.toLowerCase(), input.pathname, params.text, headers.text, ''].join('\n');
  const signKey = createHmac('sha1', input.secretKey).update(keyTime).digest('hex');
  const stringToSign = ['sha1', keyTime, createHash('sha1').update(httpString, 'utf8').digest('hex'), ''].join('\n');
  const signature = createHmac('sha1', signKey).update(stringToSign).digest('hex');
  return [
    'q-sign-algorithm=sha1',
    `q-ak=${input.secretId}`,
    `q-sign-time=${keyTime}`,
    `q-key-time=${keyTime}`,
    `q-header-list=${headers.list}`,
    `q-url-param-list=${params.list}`,
    `q-signature=${signature}`,
  ].join('&');
}
