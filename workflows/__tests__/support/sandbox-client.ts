import { cosAuthorization } from '../../../n8n-nodes-aiphoto/common/cos-signature';

export interface CosAccess {
  url: string;
  secretId: string;
  secretKey: string;
}

function sign(
  access: CosAccess,
  method: string,
  key: string,
  headers: Record<string, string>,
  lifetimeSeconds: number,
): string {
  const now = Math.floor(Date.now() / 1000);
  return cosAuthorization({
    secretId: access.secretId,
    secretKey: access.secretKey,
    method,
    pathname: `/${key}`,
    query: {},
    headers,
    startTime: now - 60,
    endTime: now + lifetimeSeconds,
  });
}

/** Stores an object as the backend's upload would (signed PUT). */
export async function putObject(access: CosAccess, key: string, body: Buffer, contentType: string): Promise<void> {
  const host = new URL(access.url).host;
  const res = await fetch(`${access.url}/${key}`, {
    method: 'PUT',
    headers: {
      'content-type': contentType,
      authorization: sign(access, 'PUT', key, { host, 'content-type': contentType }, 600),
    },
    body,
  });
  if (!res.ok) throw new Error(`PUT ${key} → ${res.status}: ${await res.text()}`);
}

/** A signed GET URL valid about an hour, like the `inputUrl` of a dispatch. */
export function signedGetUrl(access: CosAccess, key: string): string {
  return `${access.url}/${key}?${sign(access, 'GET', key, {}, 3600)}`;
}

export async function sandboxControl(url: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${path} → ${res.status}: ${await res.text()}`);
}

/** Reads an object back through the COS API (signed GET), as the backend would serve a result. */
export async function getObject(access: CosAccess, key: string): Promise<Buffer> {
  const res = await fetch(signedGetUrl(access, key));
  if (!res.ok) throw new Error(`GET ${key} → ${res.status}`);
  return Buffer.from(await res.arrayBuffer());
}

/** Whether an object is in the bucket (signed HEAD; 404 means absent). */
export async function objectExists(access: CosAccess, key: string): Promise<boolean> {
  const res = await fetch(`${access.url}/${key}?${sign(access, 'HEAD', key, {}, 600)}`, { method: 'HEAD' });
  if (res.status === 404) return false;
  if (!res.ok) throw new Error(`HEAD ${key} → ${res.status}`);
  return true;
}
