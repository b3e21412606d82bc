import { ConfigError, loadConfig } from './config/config';
import { startBackend } from './bootstrap';

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
  const backend = await startBackend(config);
  const shutdown = (signal: string) => {
    backend.ctx.logger.info({ signal }, 'shutting down');
    backend.close().then(
      () => process.exit(0),
      (err: unknown) => {
        backend.ctx.logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error('backend failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
