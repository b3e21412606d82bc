import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { buildArtifacts, startStack, type Stack } from '../../../scripts/stack';
import { launch } from './browser';

export interface UiStack {
  stack: Stack;
  browser: Browser;
  close(): Promise<void>;
}

/**
 * One small stack for a browser test file — SQLite and the in-process KV (DATABASE_URL and
 * REDIS_URL unset), the sandbox with a fast clock, the real n8n — plus Debian's Chromium.
 */
export async function startUiStack(name: string, env: Record<string, string> = {}): Promise<UiStack> {
  // `npm test` builds the UIs once before Jest (scripts/run-tests.ts); only fill in what is missing.
  buildArtifacts(() => undefined, { onlyMissing: true });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), `aiphoto-${name}-`));
  const base: Record<string, string | undefined> = { ...process.env };
  delete base.DATABASE_URL;
  delete base.REDIS_URL;
  const stack = await startStack({
    env: {
      ...base,
      NODE_ENV: 'test',
      LOG_LEVEL: 'warn',
      OUTBOX_POLL_INTERVAL_MS: '200',
      OUTBOX_MAX_BACKOFF_MS: '1000',
      TASK_WATCHDOG_INTERVAL_MS: '500',
      ...env,
    },
    dataDir,
    ports: { backend: 0, n8n: 0, sandbox: 0 },
    sandboxTiming: { queueMs: 0, runMs: 300 },
  });
  const browser = await launch();
  return {
    stack,
    browser,
    close: async () => {
      await browser.close();
      await stack.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
