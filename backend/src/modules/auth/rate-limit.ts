import { isIP } from 'node:net';
import type { Request, RequestHandler } from 'express';
import { RateLimitedError } from '../../errors/app-error';
import type { KeyValueStore } from '../../infra/kv';
import type { Logger } from '../../infra/logger';
import { bearerToken, verifiedClaims } from './auth.middleware';
import type { JwtService } from './jwt.service';

/** Fixed-window limits on the shared KeyValueStore, so every replica counts together. */
export class RateLimiter {
  constructor(private readonly kv: KeyValueStore) {}

  /** Counts one hit on `key`; throws 429 with Retry-After once the window holds more than `limit`. */
  async consume(
    key: string,
    limit: number,
    windowSeconds: number,
    message?: string,
  ): Promise<{ remaining: number; resetInSeconds: number }> {
    const { count, resetInSeconds } = await this.kv.hit(`rl:${key}`, windowSeconds);
    if (count > limit) throw new RateLimitedError(resetInSeconds, message);
    return { remaining: limit - count, resetInSeconds };
  }
}

/**
 * The address a request is counted under (X-Forwarded-For only as far as TRUST_PROXY trusts it).
 * IPv6 is bucketed by /64: one subscriber usually holds a whole /64 and could rotate through
 * 2^64 addresses, one per request. IPv4-mapped IPv6 counts as the IPv4 address.
 */
export function clientIp(req: Request): string {
  return rateLimitAddress(req.ip ?? req.socket.remoteAddress ?? 'unknown');
}

export function rateLimitAddress(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (isIP(address) !== 6) return address;
  return `${expandIpv6(address).slice(0, 4).join(':')}::/64`;
}

/** The eight 16-bit groups of an IPv6 address (zone id dropped, embedded IPv4 converted). */
function expandIpv6(address: string): string[] {
  let text = address.split('%')[0].toLowerCase();
  const v4 = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (v4) {
    const [a, b, c, d] = v4.slice(1).map(Number);
    text = `${text.slice(0, v4.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, tail] = text.includes('::') ? text.split('::') : [text, undefined];
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const fill = tail === undefined ? [] : Array<string>(8 - left.length - right.length).fill('0');
  return [...left, ...fill, ...right].map((group) => Number.parseInt(group, 16).toString(16));
}

export interface ApiRateLimitOptions {
  kv: KeyValueStore;
  jwt: JwtService;
  logger: Logger;
  /** Requests per window per client (config.rateLimit.apiPer15Min). */
  limit: number;
  windowSeconds?: number;
  /**
   * Path prefixes not counted: signed server-to-server traffic (n8n callbacks, payment
   * notifies) comes from a few addresses in bursts and is authenticated by its signature.
   */
  exempt?: string[];
}

export const DEFAULT_RATE_LIMIT_EXEMPT = ['/api/v1/internal/', '/api/v1/payments/'];

/** Whose bucket a request counts against: the signed-in merchant or admin, else the IP. */
function clientKey(req: Request, jwt: JwtService): string {
  const token = bearerToken(req);
  if (token) {
    // An invalid token is no identity; it falls through to the IP bucket (the route answers 401).
    try {
      return `user:${verifiedClaims(req, jwt, 'aiphoto-merchant', token).sub}`;
    } catch {
      // not a merchant token
    }
    try {
      return `admin:${verifiedClaims(req, jwt, 'aiphoto-admin', token).sub}`;
    } catch {
      // not an admin token either
    }
  }
  return `ip:${clientIp(req)}`;
}

/**
 * The merchant-wide API limit (docs/architecture.md §9: 1000 requests / 15 min per client by default).
 * Mount on `/api/v1`. When the store is unreachable requests pass: an outage of Redis should
 * not take the whole API down (the SMS limits, which guard money, fail closed instead).
 */
export function apiRateLimit(options: ApiRateLimitOptions): RequestHandler {
  const windowSeconds = options.windowSeconds ?? 900;
  const exempt = options.exempt ?? DEFAULT_RATE_LIMIT_EXEMPT;
  const limiter = new RateLimiter(options.kv);
  return async (req, res, next) => {
    if (exempt.some((prefix) => req.originalUrl.startsWith(prefix))) return next();
    let result: { remaining: number; resetInSeconds: number };
    try {
      result = await limiter.consume(`api:${clientKey(req, options.jwt)}`, options.limit, windowSeconds);
    } catch (err) {
      if (err instanceof RateLimitedError) return next(err);
      options.logger.warn({ err }, 'API rate limit store unavailable; request let through');
      return next();
    }
    res.setHeader('RateLimit-Limit', String(options.limit));
    res.setHeader('RateLimit-Remaining', String(Math.max(0, result.remaining)));
    res.setHeader('RateLimit-Reset', String(result.resetInSeconds));
    next();
  };
}
