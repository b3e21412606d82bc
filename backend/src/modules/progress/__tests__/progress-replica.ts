import type { AppContext } from '../../../app-context';
import type { AppConfig } from '../../../config/config';
import type { Logger } from '../../../infra/logger';
import { startBackend, type RunningBackend } from '../../../bootstrap';
import { JwtService } from '../../auth/jwt.service';
import { ProgressHub } from '../progress-hub';
import { progressModule } from '../progress.module';
import type { ProgressSocketOptions, ProgressSocketServer } from '../progress-socket.server';

export interface Replica {
  backend: RunningBackend;
  hub: ProgressHub;
  sockets: ProgressSocketServer;
}

/** A backend with only the progress module, so the test reaches its hub and socket server. */
export async function startReplica(
  config: AppConfig,
  options: { socket?: ProgressSocketOptions; hub?: (ctx: AppContext) => ProgressHub; logger?: Logger } = {},
): Promise<Replica> {
  let hub: ProgressHub | undefined;
  let sockets: ProgressSocketServer | undefined;
  const backend = await startBackend(config, {
    logger: options.logger,
    modules: async (ctx) => {
      hub = options.hub?.(ctx) ?? new ProgressHub(ctx.kv, ctx.logger);
      const jwt = new JwtService(ctx.config.auth.jwtSecret, ctx.config.auth.jwtTtlSeconds);
      const module = progressModule(ctx, { hub, jwt, socket: options.socket });
      sockets = module.sockets;
      return [module];
    },
  });
  return { backend, hub: hub!, sockets: sockets! };
}

export function merchantToken(config: AppConfig, userId: string, ttlSeconds = 3600): string {
  return new JwtService(config.auth.jwtSecret, ttlSeconds).sign('aiphoto-merchant', {
    sub: userId,
    phone: '13800000000',
  });
}
