import type { Request, RequestHandler } from 'express';
import { ForbiddenError, UnauthorizedError } from '../../errors/app-error';
import type { AdminClaims, JwtService, MerchantClaims } from './jwt.service';

export interface AuthUser {
  id: string;
  phone: string;
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

export function bearerToken(req: Request): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const [scheme, token] = header.split(' ');
  return scheme?.toLowerCase() === 'bearer' && token ? token : null;
}

/** Requires a merchant JWT (`Authorization: Bearer …`). */
export function requireUser(jwt: JwtService): RequestHandler {
  return (req, _res, next) => {
    const token = bearerToken(req);
    if (!token) return next(new UnauthorizedError());
    try {
      const claims: MerchantClaims = jwt.verify('aiphoto-merchant', token);
      (req as WithAuth)[USER] = { id: claims.sub, phone: claims.phone };
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** Requires an admin-console JWT whose role is one of `roles` (403 otherwise). */
export function requireAdmin(jwt: JwtService, ...roles: AdminClaims['role'][]): RequestHandler {
  const allowed = roles.length ? roles : (['admin', 'operator'] as const);
  return (req, _res, next) => {
    const token = bearerToken(req);
    if (!token) return next(new UnauthorizedError());
    try {
      const claims = jwt.verify('aiphoto-admin', token);
      if (!allowed.includes(claims.role)) return next(new ForbiddenError());
      (req as WithAuth)[ADMIN] = { id: claims.sub, username: claims.username, role: claims.role };
      next();
    } catch (err) {
      next(err);
    }
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
