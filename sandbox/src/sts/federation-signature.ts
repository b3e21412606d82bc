import { createHmac } from 'node:crypto';

/**
 * The signature qcloud-cos-sts 3.x puts on its form request to `sts.tencentcloudapi.com` (the
 * API's HmacSHA1 signature method): base64 HMAC-SHA1, keyed with the secret key, over
 * `POST<host>/?` and the parameters sorted by name as `name=value` joined with `&`, values as
 * sent before form encoding (the SDK URL-encodes `Policy` once itself, the form encodes it again).
 */
export function federationSignature(params: Record<string, string>, secretKey: string, host: string): string {
  const canonical = Object.keys(params)
    .filter((name) => name !== 'Signature')
    .sort()
    .map((name) => `${name}=${params[name]}`)
    .join('&');
  return createHmac('sha1', secretKey).update(`POST${host}/?${canonical}`, 'utf8').digest('base64');
}
