import type { Module } from '../../app';
import type { AppContext } from '../../app-context';
import type { JwtService } from '../auth/jwt.service';
import { ProgressHub } from './progress-hub';
import { ProgressSocketServer, type ProgressSocketOptions } from './progress-socket.server';

export interface ProgressApi {
  /** The tasks' ProgressPort: publish anywhere, delivered over /ws on any replica. */
  hub: ProgressHub;
  /** The sockets of this process (signing out everywhere closes a merchant's). */
  sockets: ProgressSocketServer;
}

/** Serves `/ws` on the backend's HTTP server once it listens; detached before the server closes. */
export function createProgressModule(
  ctx: AppContext,
  deps: { jwt: JwtService; hub?: ProgressHub; socket?: ProgressSocketOptions },
): Module<ProgressApi> {
  const hub = deps.hub ?? new ProgressHub(ctx.kv, ctx.logger);
  const sockets = new ProgressSocketServer(hub, deps.jwt, ctx.logger, {
    maxSocketsPerUser: ctx.config.limits.wsMaxSocketsPerUser,
    // Query strings end up in proxy logs: the deprecated `?token=` is for development only.
    allowQueryToken: !ctx.config.isProduction,
    ...deps.socket,
  });
  return { name: 'progress', api: { hub, sockets }, attach: (server) => sockets.attach(server) };
}
