import { CI_MODES, type CiMode } from './ci/precomputed';
import { createSandbox } from './server';

/** Reads an integer setting, failing fast with a clear message instead of running misconfigured. */
function intEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

function ciModeEnv(): CiMode {
  const raw = process.env.SANDBOX_CI_MODE || 'pixels';
  if (!(CI_MODES as readonly string[]).includes(raw))
    throw new Error(`SANDBOX_CI_MODE must be one of ${CI_MODES.join(', ')}, got "${raw}"`);
  return raw as CiMode;
}

async function main(): Promise<void> {
  if (process.env.NODE_ENV === 'production') {
    console.error('[sandbox] refusing to start: NODE_ENV=production (the sandbox is for local use and tests only)');
    process.exit(1);
  }
  const env = process.env;
  // Defaults are well-known development values, never real credentials: the sandbox only
  // accepts requests signed with whatever the backend and n8n are configured with locally.
  const ciMode = ciModeEnv();
  const sandbox = await createSandbox({
    dataDir: env.DATA_DIR || '.data',
    port: intEnv('SANDBOX_PORT', 9400),
    host: env.SANDBOX_HOST || '127.0.0.1',
    publicUrl: env.SANDBOX_URL || undefined,
    cos: {
      secretId: env.SANDBOX_COS_SECRET_ID || 'AKIDsandboxLocalOnly',
      secretKey: env.SANDBOX_COS_SECRET_KEY || 'sandbox-local-only-secret-key',
      bucket: env.COS_BUCKET || 'aiphoto-1250000000',
    },
    runninghub: {
      apiKey: env.RUNNINGHUB_API_KEY || 'sandbox-runninghub-key',
      queueMs: intEnv('SANDBOX_RUNNINGHUB_QUEUE_MS', 2000),
      runMs: intEnv('SANDBOX_RUNNINGHUB_RUN_MS', 8000),
    },
    ciMode,
  });
  console.log(
    `[sandbox] vendor sandbox listening at ${sandbox.url} (COS, CI: ${ciMode}, RunningHub, WeChat Pay v3, SMS)`,
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void sandbox.close().then(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  // Started by a launcher with an IPC channel (scripts/child-service.ts): when the launcher is
  // gone, even killed, the channel closes and the sandbox must not live on by itself.
  if (process.send) process.once('disconnect', stop);
}

main().catch((err: unknown) => {
  console.error('[sandbox] failed to start:', err instanceof Error ? err.message : err);
  process.exit(1);
});
