import { isIP } from 'node:net';

/** Largest reference image RunningHub accepts (30 MB). */
export const MAX_INPUT_BYTES = 30 * 1024 * 1024;

export class InputRefusedError extends Error {}

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host === '::1') return true;
  return isIP(host) === 4 && host.startsWith('127.');
}

/**
 * The sandbox downloads reference images only from loopback or from its own public host:
 * it must never become a way to make this machine fetch arbitrary URLs.
 */
export function assertFetchable(url: string, ownHost: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InputRefusedError(`not a URL: ${url}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new InputRefusedError(`unsupported protocol ${parsed.protocol}`);
  if (!isLoopbackHost(parsed.hostname) && parsed.host !== ownHost) {
    throw new InputRefusedError(`the sandbox only downloads from loopback or ${ownHost}, not ${parsed.host}`);
  }
  return parsed;
}

export async function downloadInput(url: URL): Promise<Buffer> {
  // No redirects: a loopback URL must not bounce the download to another host.
  const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(15_000) });
  if (!res.ok) throw new Error(`downloading the reference image failed: HTTP ${res.status}`);
  const body = Buffer.from(await res.arrayBuffer());
  if (body.length > MAX_INPUT_BYTES) throw new Error('reference image exceeds 30 MB');
  return body;
}
