import { timingSafeEqual } from 'node:crypto';
import COS from 'cos-nodejs-sdk-v5';
import { CosError } from './cos-errors';

/** The q-sign fields of a COS request signature, from the Authorization header or the URL. */
export interface CosSignature {
  algorithm: string;
  accessKey: string;
  signTime: string;
  keyTime: string;
  headerList: string[];
  urlParamList: string[];
  signature: string;
}

export interface SignedRequest {
  method: string;
  /** Decoded path, e.g. `/input/u1/photo.jpg` (what the SDK signs). */
  pathname: string;
  /** Lower-cased header names. */
  headers: Record<string, string | string[] | undefined>;
  /** Query parameters as received (decoded). */
  query: URLSearchParams;
}

const SIGN_FIELDS = [
  'q-sign-algorithm',
  'q-ak',
  'q-sign-time',
  'q-key-time',
  'q-header-list',
  'q-url-param-list',
  'q-signature',
];

function fromFields(get: (name: string) => string | undefined): CosSignature | undefined {
  const signature = get('q-signature');
  if (signature === undefined) return undefined;
  const list = (v: string | undefined) => (v ? v.split(';').filter(Boolean) : []);
  return {
    algorithm: get('q-sign-algorithm') ?? '',
    accessKey: get('q-ak') ?? '',
    signTime: get('q-sign-time') ?? '',
    keyTime: get('q-key-time') ?? '',
    headerList: list(get('q-header-list')),
    urlParamList: list(get('q-url-param-list')),
    signature,
  };
}

/** Finds the signature: the Authorization header wins over signed-URL query parameters. */
export function extractSignature(req: SignedRequest): CosSignature | undefined {
  const header = req.headers['authorization'];
  if (typeof header === 'string' && header.includes('q-signature=')) {
    const fields = new URLSearchParams(header);
    return fromFields((name) => fields.get(name) ?? undefined);
  }
  return fromFields((name) => req.query.get(name) ?? undefined);
}

/** The SDK lower-cases and URL-encodes (its "cam-safe" way) names in q-header-list / q-url-param-list. */
function listName(name: string): string {
  return encodeURIComponent(name)
    .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
    .toLowerCase();
}

function headerValue(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

function parseKeyTime(keyTime: string): [number, number] | undefined {
  const m = /^(\d+);(\d+)$/.exec(keyTime);
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** Clock skew COS tolerates on the start of a signature's validity. */
const START_SKEW_SECONDS = 60;

/**
 * Verifies a COS `q-sign-algorithm=sha1` signature. The expected value is computed with
 * the SDK's own `COS.getAuthorization` over exactly the headers and URL parameters the
 * client listed, so the sandbox agrees with the real client byte for byte.
 * Throws a `CosError` that COS would answer with.
 */
export function verifyCosSignature(
  req: SignedRequest,
  credentials: { secretId: string; secretKey: string },
  nowSeconds = Math.floor(Date.now() / 1000),
): void {
  const sig = extractSignature(req);
  if (!sig) throw new CosError(403, 'AccessDenied', 'Access Denied. Request is not signed.');
  if (sig.algorithm !== 'sha1') throw new CosError(400, 'InvalidArgument', 'q-sign-algorithm must be sha1');
  if (sig.accessKey !== credentials.secretId) {
    throw new CosError(403, 'InvalidAccessKeyId', 'The access key Id format you provided is invalid.');
  }
  const window = parseKeyTime(sig.keyTime);
  if (!window || sig.signTime !== sig.keyTime) {
    throw new CosError(403, 'AccessDenied', 'q-sign-time or q-key-time is invalid.');
  }
  if (nowSeconds > window[1]) throw new CosError(403, 'AccessDenied', 'Request has expired');
  if (nowSeconds + START_SKEW_SECONDS < window[0]) throw new CosError(403, 'AccessDenied', 'Request is not yet valid');

  const headers: Record<string, string> = {};
  for (const name of sig.headerList)
    headers[decodeURIComponent(name)] = headerValue(req.headers[decodeURIComponent(name)]);
  const query: Record<string, string> = {};
  for (const [name, value] of req.query) {
    if (sig.urlParamList.includes(listName(name))) query[name] = value;
  }
  const expected = COS.getAuthorization({
    SecretId: credentials.secretId,
    SecretKey: credentials.secretKey,
    // The SDK's Method type omits HEAD, but getAuthorization lower-cases any method name.
    Method: req.method.toLowerCase() as COS.Method,
    Pathname: req.pathname,
    Query: query,
    Headers: headers,
    KeyTime: sig.keyTime,
  });
  const expectedSignature = new URLSearchParams(expected).get('q-signature') ?? '';
  if (!constantTimeEqual(expectedSignature, sig.signature)) {
    throw new CosError(403, 'SignatureDoesNotMatch', 'The Signature you specified is invalid.');
  }
}

/** Whether a request header took part in the signature (CI requires it for Pic-Operations). */
export function isHeaderSigned(req: SignedRequest, header: string): boolean {
  const sig = extractSignature(req);
  return !!sig && sig.headerList.includes(listName(header));
}

function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Query parameters that carry a signed URL's signature (not part of what it signs). */
export const COS_SIGN_QUERY_FIELDS: readonly string[] = SIGN_FIELDS;
