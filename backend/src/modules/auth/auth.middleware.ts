import type { Request, RequestHandler } from 'express';
import { ForbiddenError, UnauthorizedError } from '../../errors/app-error';
import type { AdminClaims, Audience, JwtService, MerchantClaims } from './jwt.service';

export interface AuthUser {
  id: string;
  phone: string;
  /** Set when the request authenticated with an API key: what that key may touch is narrower. */
  apiKeyId?: string;
}

export interface AuthAdmin {
  id: string;
  username: string;
  role: AdminClaims['role'];
}

// Set by the middlewares below; read through currentUser/currentAdmin, never directly.
const USER = Symbol('aiphoto.user');
const ADMIN = Symbol('aiphoto.admin');
type WithAuth = Request & { [USER]?: AuthUser; [ADMIN]?: AuthAdmin };

// The outcome of verifying a request's bearer token, per service and audience (see verifiedClaims).
const VERIFIED = Symbol('aiphoto.verifiedToken');
interface Verification {
  jwt: JwtService;
  audience: Audience;
  token: string;
  claims?: MerchantClaims | AdminClaims;
  error?: unknown;
}
type WithVerifications = Request & { [VERIFIED]?: Verification[] };

/**
 * `jwt.verify(audience, token)` for a token this request carries, done at most once per request:
 * the API rate limit and then requireUser/requireAdmin both need the claims, and the HMAC check
 * and claim parsing were paid twice per authenticated request. The outcome (claims or the
 * error) is kept on the request object only, so nothing outlives the request.
 */
export function verifiedClaims(
  req: Request,
  jwt: JwtService,
  audience: 'aiphoto-merchant',
  token: string,
): MerchantClaims;
export function verifiedClaims(req: Request, jwt: JwtService, audience: 'aiphoto-admin', token: string): AdminClaims;
export function verifiedClaims(
  req: Request,
  jwt: JwtService,
  audience: Audience,
  token: string,
): MerchantClaims | AdminClaims {
  const list = ((req as WithVerifications)[VERIFIED] ??= []);
  let found = list.find((v) => v.jwt === jwt && v.audience === audience && v.token === token);
  if (!found) {
    found = { jwt, audience, token };
    try {
      found.claims = audience === 'aiphoto-merchant' ? jwt.verify(audience, token) : jwt.verify(audience, token);
    } catch (err) {
      found.error = err;
    }
    list.push(found);
  }
  if (found.claims) return found.claims;
  throw found.error;
}

export function bearerToken(req: Request): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const [scheme, token] = header.split(' ');
  return scheme?.toLowerCase() === 'bearer' && token ? token : null;
}

/**
 * Finds the merchant behind an API key (modules/automation); null when the key is unknown or
 * revoked. Kept as an interface here so auth does not depend on the automation component.
 */
export interface ApiKeyResolver {
  resolve(key: string): Promise<AuthUser | null>;
}

/** API keys are recognisable by their prefix, so a bearer value is never tried as both kinds. */
export const API_KEY_PREFIX = 'ak_';

/** The API key a request carries (`X-API-Key`, or `Authorization: Bearer ak_…`), if any. */
export function apiKeyOf(req: Request): string | null {
  const header = req.headers['x-api-key'];
  if (typeof header === 'string' && header) return header;
  const token = bearerToken(req);
  return token?.startsWith(API_KEY_PREFIX) ? token : null;
}

/**
 * Requires a merchant JWT (`Authorization: Bearer …`), or, when `apiKeys` is given, a merchant
 * API key instead. Without a resolver an API key is refused like any invalid token, which is
 * how the key and webhook management routes stay JWT-only.
 */
export function requireUser(jwt: JwtService, apiKeys?: ApiKeyResolver): RequestHandler {
  return (req, _res, next) => {
    const key = apiKeys ? apiKeyOf(req) : null;
    if (apiKeys && key) {
      apiKeys.resolve(key).then(
        (user) => {
          if (!user) return next(new UnauthorizedError('The API key is invalid or revoked', 'INVALID_API_KEY'));
          (req as WithAuth)[USER] = user;
          next();
        },
        (err: unknown) => next(err),
      );
      return;
    }
    const token = bearerToken(req);
    if (!token) return next(new UnauthorizedError());
    let claims: MerchantClaims;
    try {
      claims = verifiedClaims(req, jwt, 'aiphoto-merchant', token);
    } catch (err) {
      return next(err);
    }
    const check = sessionChecks.get(jwt);
    const accept = () => {
      (req as WithAuth)[USER] = { id: claims.sub, phone: claims.phone };
      next();
    };
    if (!check) return accept();
    check(claims.sub, claims.tv).then(accept, (err: unknown) => next(err));
  };
}

/**
 * Whether a verified merchant token's session is still on (sign out everywhere moves the account's
 * token version on); rejects with 401 SESSION_ENDED otherwise.
 */
export type MerchantSessionCheck = (userId: string, tokenVersion: number | undefined) => Promise<void>;

const sessionChecks = new WeakMap<JwtService, MerchantSessionCheck>();

/**
 * Makes requireUser(jwt) and verifyMerchant(jwt, …) ask `check` about every merchant token. The
 * auth module binds it; a test mounting one module with its own JwtService gets the claims as signed.
 */
export function bindMerchantSessionCheck(jwt: JwtService, check: MerchantSessionCheck): void {
  sessionChecks.set(jwt, check);
}

/** A merchant token verified and, when the auth module is bound, its session checked (for /ws). */
export async function verifyMerchant(jwt: JwtService, token: string): Promise<MerchantClaims> {
  const claims = jwt.verify('aiphoto-merchant', token);
  await sessionChecks.get(jwt)?.(claims.sub, claims.tv);
  return claims;
}

/**
 * Answers the account behind an admin token as it is now (role included), or throws 401 when
 * the account was deleted or disabled after the token was issued.
 */
export type AdminAccountCheck = (id: string) => Promise<AuthAdmin>;

// Keyed by the JwtService the composition root shares, so every module's requireAdmin(jwt)
// sees the check the admin-auth module binds without each module taking another dependency.
const accountChecks = new WeakMap<JwtService, AdminAccountCheck>();

/**
 * Makes requireAdmin(jwt) ask `check` about the token's account on every request. The
 * admin-auth module binds it at start; a test that mounts one module with its own JwtService
 * and no admin-auth module gets the signed claims as they are.
 */
export function bindAdminAccountCheck(jwt: JwtService, check: AdminAccountCheck): void {
  accountChecks.set(jwt, check);
}

/**
 * Requires an admin-console JWT whose account is still active and whose current role is one
 * of `roles` (403 otherwise). The role comes from the account, not the token, so a demotion
 * takes effect on the next request.
 */
export function requireAdmin(jwt: JwtService, ...roles: AdminClaims['role'][]): RequestHandler {
  const allowed = roles.length ? roles : (['admin', 'operator'] as const);
  return (req, _res, next) => {
    const token = bearerToken(req);
    if (!token) return next(new UnauthorizedError());
    let claims: AdminClaims;
    try {
      claims = verifiedClaims(req, jwt, 'aiphoto-admin', token);
    } catch (err) {
      return next(err);
    }
    const check = accountChecks.get(jwt);
    const account = check
      ? check(claims.sub)
      : Promise.resolve({ id: claims.sub, username: claims.username, role: claims.role });
    account.then(
      (admin) => {
        if (!allowed.includes(admin.role)) return next(new ForbiddenError());
        (req as WithAuth)[ADMIN] = admin;
        next();
      },
      (err: unknown) => next(err),
    );
  };
}

export function currentUser(req: Request): AuthUser {
  const user = (req as WithAuth)[USER];
  if (!user) throw new UnauthorizedError();
  return user;
}

export function currentAdmin(req: Request): AuthAdmin {
  const admin = (req as WithAuth)[ADMIN];
  if (!admin) throw new UnauthorizedError();
  return admin;
}
