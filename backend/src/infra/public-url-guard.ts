import dns from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { AppError, ValidationError } from '../errors/app-error';

/**
 * The SSRF guard for every URL a merchant chooses and our servers then request (webhook
 * endpoints, images fetched by URL): in production those must not reach loopback, private,
 * link-local (cloud metadata) or other internal ranges. Checked when the URL is given (a clear
 * 400) and again on every connection through `guardedLookup`, because a name can resolve
 * differently later (DNS rebinding).
 */
// Two lists: a BlockList matches IPv4 addresses against IPv4-mapped IPv6 rules too, so the
// ::ffff:0:0/96 rule below would otherwise refuse every IPv4 address.
const internal4 = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  internal4.addSubnet(net, bits, 'ipv4');
const internal6 = new BlockList();
for (const [net, bits] of [
  // ::ffff:0:0/96 (IPv4-mapped) and 64:ff9b::/96 (NAT64) can wrap any IPv4 address, private ones included.
  ['::', 127],
  ['::ffff:0:0', 96],
  ['64:ff9b::', 96],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
] as const)
  internal6.addSubnet(net, bits, 'ipv6');

export function isInternalAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true; // not an address at all: never connect to it
  return family === 4 ? internal4.check(address, 'ipv4') : internal6.check(address, 'ipv6');
}

/** The IP address a URL's host names directly (brackets of IPv6 literals removed), else null. */
export function ipLiteralOf(url: URL): string | null {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return isIP(host) ? host : null;
}

/** Parses and checks the URL's form: http(s), no credentials, a host. Throws 400. */
export function parseHttpUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ValidationError('url: not a valid URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new ValidationError('url: only http and https URLs are accepted');
  if (url.username || url.password) throw new ValidationError('url: must not carry credentials');
  return url;
}

/**
 * Refuses URLs that name or resolve to an internal address unless `allowPrivate` (development,
 * tests, or an operator who deliberately runs servers on the private network). `code` names
 * the refusal for the caller's API (`WEBHOOK_URL_PRIVATE`, `URL_PRIVATE`).
 */
export async function assertPublicUrl(raw: string, options: { allowPrivate: boolean; code: string }): Promise<URL> {
  const url = parseHttpUrl(raw);
  if (options.allowPrivate) return url;
  const refused = () =>
    new AppError(400, options.code, 'url: must not point at a loopback, private or link-local address');
  const literal = ipLiteralOf(url);
  if (literal) {
    if (isInternalAddress(literal)) throw refused();
    return url;
  }
  if (url.hostname === 'localhost' || url.hostname.endsWith('.localhost')) throw refused();
  let addresses: dns.LookupAddress[];
  try {
    addresses = await dns.promises.lookup(url.hostname, { all: true });
  } catch {
    throw new ValidationError(`url: the host ${url.hostname} cannot be resolved`);
  }
  if (addresses.some((a) => isInternalAddress(a.address))) throw refused();
  return url;
}

/** The error code `guardedLookup` fails a connection with. */
export const PRIVATE_ADDRESS_REFUSED = 'EPRIVATEADDRESS';

/** A `lookup` for http.request that refuses internal addresses at connection time. */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
    if (err) return callback(err, '', 0);
    const usable = addresses.filter((a) => !isInternalAddress(a.address));
    if (usable.length < addresses.length || !usable.length) {
      const refused: NodeJS.ErrnoException = new Error(`${hostname} resolves to an internal address; refused`);
      refused.code = PRIVATE_ADDRESS_REFUSED;
      return callback(refused, '', 0);
    }
    if (options.all) return callback(null, usable);
    callback(null, usable[0].address, usable[0].family);
  });
};
