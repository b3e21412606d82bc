import type { AppContext } from '../../../app-context';
import type { AppConfig } from '../../../config/config';
import type { Logger } from '../../../infra/logger';
import { startBackend, type RunningBackend } from '../../../bootstrap';
import { testConfig } from '../../../testing/test-config';
import { createTestDatabase, type TestDatabase } from '../../../testing/test-db';
import { JwtService } from '../../auth/jwt.service';
import { ProgressHub } from '../progress-hub';
import { createProgressModule } from '../progress.module';
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
      const module = createProgressModule(ctx, { hub, jwt, socket: options.socket });
      sockets = module.api.sockets;
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

export interface SqliteReplicaSuite {
  readonly db: TestDatabase;
  readonly config: AppConfig;
  readonly replica: Replica;
}

/**
 * The single-process setup of a describe block: a fresh SQLite database (no Redis, so the
 * in-process store) and one replica on it, started before the block's tests and closed, with the
 * database dropped, after them. Read the fields in tests and hooks, not while Jest collects.
 */
export function sqliteReplicaPerSuite(
  options: { env?: Record<string, string>; production?: boolean; socket?: ProgressSocketOptions } = {},
): SqliteReplicaSuite {
  let state: { db: TestDatabase; config: AppConfig; replica?: Replica } | undefined;
  const get = () => {
    if (!state?.replica) throw new Error('the replica starts in beforeAll');
    return state as Required<typeof state>;
  };
  beforeAll(async () => {
    const db = await createTestDatabase('sqlite');
    await db.ds.destroy();
    const config = testConfig(options.env ?? {}, db.config);
    // Only the flag matters where it is set (a full production config needs MySQL, Redis and live vendors).
    state = { db, config: options.production ? { ...config, isProduction: true } : config };
    state.replica = await startReplica(state.config, { socket: options.socket });
  });
  afterAll(async () => {
    await state?.replica?.backend.close();
    await state?.db.drop();
  });
  return {
    get db() {
      return get().db;
    },
    get config() {
      return get().config;
    },
    get replica() {
      return get().replica;
    },
  };
}
