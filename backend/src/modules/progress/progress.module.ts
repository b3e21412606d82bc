import type { AppModule } from '../../app';
import type { AppContext } from '../../app-context';
import { limitsConfig } from '../../config/limits.config';
import type { JwtService } from '../auth/jwt.service';
import type { ProgressHub } from './progress-hub';
import { ProgressSocketServer, type ProgressSocketOptions } from './progress-socket.server';

/** Serves `/ws` on the backend's HTTP server once it listens; detached before the server closes. */
export function progressModule(
  ctx: AppContext,
  deps: { hub: ProgressHub; jwt: JwtService; socket?: ProgressSocketOptions },
): AppModule & { sockets: ProgressSocketServer } {
  const sockets = new ProgressSocketServer(deps.hub, deps.jwt, ctx.logger, {
    maxSocketsPerUser: limitsConfig(ctx.config).wsMaxSocketsPerUser,
    // Query strings end up in proxy logs: the deprecated `?token=` is for development only.
    allowQueryToken: !ctx.config.isProduction,
    ...deps.socket,
  });
  return { name: 'progress', sockets, attach: (server) => sockets.attach(server) };
}
