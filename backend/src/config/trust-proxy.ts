import { isIP } from 'node:net';

/**
 * TRUST_PROXY: which peers may tell us the client address through X-Forwarded-For. Express's
 * 'trust proxy' takes a hop count or a list of proxy addresses/CIDRs; a blanket `true` would
 * trust whatever a client writes into the header (every per-IP limit could be walked around),
 * so it is never passed on.
 */
export type TrustProxy = false | number | string[];

/** Express's names for address ranges, accepted in the list as they are. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

export interface ParsedTrustProxy {
  value: TrustProxy;
  problem?: string;
  warning?: string;
}

function validAddressOrCidr(entry: string): boolean {
  if (NAMED_RANGES.has(entry)) return true;
  const [address, prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (!version || rest.length) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (version === 4 ? 32 : 128);
}

/**
 * `false`/`0` (default): the socket's peer is the client. `1`, `2`, …: that many proxies in front
 * (the address that many hops back in X-Forwarded-For). A comma list of addresses, CIDRs or the
 * names loopback / linklocal / uniquelocal: exactly those peers are proxies. `true` is refused
 * in production and read as `1` elsewhere (with a warning at start).
 */
export function parseTrustProxy(raw: string | undefined, production: boolean): ParsedTrustProxy {
  const value = (raw ?? 'false').trim().toLowerCase();
  if (value === '' || value === 'false' || value === 'no' || value === '0') return { value: false };
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return hops <= 10
      ? { value: hops }
      : { value: false, problem: 'TRUST_PROXY: a hop count above 10 is not a real proxy chain' };
  }
  if (value === 'true' || value === 'yes') {
    if (production) {
      return {
        value: false,
        problem:
          'TRUST_PROXY: "true" would trust any X-Forwarded-For; set the number of proxies in front (e.g. 1) or their addresses/CIDRs',
      };
    }
    return {
      value: 1,
      warning: 'TRUST_PROXY=true is read as 1 (one proxy in front); set a hop count or proxy CIDRs to silence this',
    };
  }
  const entries = value
    .split(',')
    .map((e) => e.trim())
    .filter(Boolean);
  const bad = entries.filter((e) => !validAddressOrCidr(e));
  if (!entries.length || bad.length) {
    return {
      value: false,
      problem: `TRUST_PROXY: not an address, CIDR or hop count: ${bad.join(', ') || raw}; use false, a hop count, or a comma list such as 10.0.0.0/8,loopback`,
    };
  }
  return { value: entries };
}
