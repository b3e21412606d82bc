import { createSign, createVerify } from 'node:crypto';

/**
 * Alipay's RSA2 (SHA256withRSA) string to sign: every parameter but the excluded ones (always
 * `sign`) with a non-empty value, `key=value` sorted by key and joined with `&`, values as they
 * are (not URL-encoded). Requests include `sign_type`; notifies and returns leave it out.
 */
export function signContent(params: Record<string, string>, exclude: readonly string[] = ['sign']): string {
  return Object.keys(params)
    .filter((k) => !exclude.includes(k) && params[k] !== undefined && params[k] !== '')
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join('&');
}

export function rsa2Sign(content: string, privateKeyPem: string): string {
  return createSign('RSA-SHA256').update(content, 'utf8').sign(privateKeyPem, 'base64');
}

export function rsa2Verify(content: string, signature: string, publicKeyPem: string): boolean {
  try {
    return createVerify('RSA-SHA256').update(content, 'utf8').verify(publicKeyPem, signature, 'base64');
  } catch {
    return false;
  }
}

/** Signs `params` (without `sign_type` in the content) and returns them with `sign` and `sign_type`. */
export function signParams(params: Record<string, string>, privateKeyPem: string): Record<string, string> {
  const sign = rsa2Sign(signContent(params, ['sign', 'sign_type']), privateKeyPem);
  return { ...params, sign_type: 'RSA2', sign };
}

/**
 * An OpenAPI answer as Alipay writes it: `{"<method>_response":{…},"sign":"…"}`, the signature
 * over the exact JSON text of the response node (what the SDK cuts out and verifies).
 */
export function signedAnswer(method: string, node: Record<string, unknown>, privateKeyPem: string): string {
  const key = `${method.replaceAll('.', '_')}_response`;
  const json = JSON.stringify(node);
  return `{"${key}":${json},"sign":"${rsa2Sign(json, privateKeyPem)}"}`;
}

/** `yyyy-MM-dd HH:mm:ss` in China time, the format of Alipay's timestamps. */
export function alipayTime(date: Date): string {
  return new Date(date.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

/** Parses an Alipay time (China time) back to an instant; null when it is not one. */
export function parseAlipayTime(value: string | undefined): Date | null {
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)$/.exec(value ?? '');
  return m ? new Date(`${m[1]}T${m[2]}+08:00`) : null;
}
