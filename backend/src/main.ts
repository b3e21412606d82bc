import { ConfigError, loadConfig } from './config/config';
import { startBackend, type RunningBackend } from './bootstrap';
import { firstStartNotice } from './first-start';
import { createLogger } from './infra/logger';
import { installProcessGuards } from './infra/process-guards';

/** `npm start -w backend`: the backend alone, configured from the environment. */
async function main(): Promise<void> {
  // `npm run … -w backend` runs here with cwd backend/; relative paths (DATA_DIR) mean the caller's folder.
  if (process.env.INIT_CWD) process.chdir(process.env.INIT_CWD);
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  let backend: RunningBackend | null = null;
  let stopping = false;
  const shutdown = (reason: string, exitCode: number) => {
    if (stopping) return;
    stopping = true;
    logger.info({ reason }, 'shutting down');
    if (!backend) process.exit(exitCode);
    backend.close().then(
      () => process.exit(exitCode),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  installProcessGuards({ logger, fatal: (reason) => shutdown(reason, 1) });
  backend = await startBackend(config, { logger });
  const notice = firstStartNotice(backend.ctx.firstStart, `${config.http.publicBaseUrl}/admin`);
  if (notice) process.stderr.write(`\n${notice}\n\n`);
  process.once('SIGINT', () => shutdown('SIGINT', 0));
  process.once('SIGTERM', () => shutdown('SIGTERM', 0));
  // Started by a launcher with an IPC channel (scripts/child-service.ts): when the launcher is
  // gone, even killed, the channel closes and the backend must not live on by itself.
  if (process.send) process.once('disconnect', () => shutdown('disconnect', 0));
}

main().catch((err: unknown) => {
  console.error('backend failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
