import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

/**
 * Where COS requests go: the sandbox endpoint when one is set (path style, `<endpoint>/<key>`),
 * otherwise Tencent's virtual-host style bucket domain.
 */
export function cosBaseUrl(credentials: ICredentialDataDecryptedObject): string {
  const endpoint = typeof credentials.endpoint === 'string' ? credentials.endpoint.trim() : '';
  if (endpoint) return endpoint.replace(/\/+$/, '');
  return `https://${String(credentials.bucket)}.cos.${String(credentials.region)}.myqcloud.com`;
}

/** Object key → URL path; every segment encoded, slashes kept. */
export function cosObjectPath(key: string): string {
  return `/${key.replace(/^\/+/, '').split('/').map(encodeURIComponent).join('/')}`;
}
