import COS from 'cos-nodejs-sdk-v5';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateSandboxKeys, type SandboxKeys } from '../keys';
import { createSandbox, type Sandbox, type SandboxOptions } from '../server';

export const TEST_COS = {
  secretId: 'AKIDtestSandbox',
  secretKey: 'test-sandbox-secret-key',
  bucket: 'aiphoto-1250000000',
};
export const TEST_RUNNINGHUB_KEY = 'test-runninghub-key';

let sharedKeys: SandboxKeys | undefined;

/** RSA generation is the slow part of a start; one key set per test file is enough. */
function testKeys(): SandboxKeys {
  sharedKeys ??= generateSandboxKeys();
  return sharedKeys;
}

export interface TestSandbox extends Sandbox {
  dataDir: string;
  /** A COS client configured the way our backend and n8n nodes configure it for the sandbox. */
  cosClient(credentials?: { SecretId: string; SecretKey: string }): COS;
  stop(): Promise<void>;
}

/** A sandbox on a free loopback port with its own temporary data folder. */
export async function startTestSandbox(overrides: Partial<SandboxOptions> = {}): Promise<TestSandbox> {
  const dataDir = mkdtempSync(join(tmpdir(), 'aiphoto-sandbox-test-'));
  const sandbox = await createSandbox({
    dataDir,
    port: 0,
    cos: TEST_COS,
    keys: testKeys(),
    runninghub: { apiKey: TEST_RUNNINGHUB_KEY, queueMs: 0, runMs: 0 },
    ...overrides,
  });
  return {
    ...sandbox,
    dataDir,
    cosClient: (credentials = { SecretId: TEST_COS.secretId, SecretKey: TEST_COS.secretKey }) =>
      new COS({ ...credentials, Domain: `127.0.0.1:${sandbox.port}`, Protocol: 'http:' }),
    async stop() {
      await sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Bucket and region as our clients pass them (the sandbox ignores the region). */
export const BUCKET = { Bucket: TEST_COS.bucket, Region: 'ap-shanghai' };

export async function postJson(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}
