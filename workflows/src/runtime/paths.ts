import os from 'node:os';
import path from 'node:path';

/** The n8n release the whole project pins (the newest whose engines accept Node 20). */
export const N8N_VERSION = '2.8.4';

/** `workflows/` — the compiled location and the source location are the same under tsx/Jest. */
export const WORKFLOWS_ROOT = path.resolve(__dirname, '..', '..');
export const REPO_ROOT = path.resolve(WORKFLOWS_ROOT, '..');
export const NODE_PACKAGE_DIR = path.join(REPO_ROOT, 'n8n-nodes-aiphoto');
export const NODE_PACKAGE_NAME = 'n8n-nodes-aiphoto';

type Env = Record<string, string | undefined>;

/** `${AIPHOTO_CACHE_DIR:-~/.cache/aiphoto}`: outside the repo so clones and CI runs share it. */
export function cacheRoot(env: Env = process.env): string {
  const fromEnv = env.AIPHOTO_CACHE_DIR?.trim();
  return fromEnv ? path.resolve(fromEnv) : path.join(os.homedir(), '.cache', 'aiphoto');
}

export function n8nInstallDir(version: string, cacheDir: string = cacheRoot()): string {
  return path.join(cacheDir, `n8n-${version}`);
}

export function n8nBinPath(installDir: string): string {
  return path.join(installDir, 'node_modules', 'n8n', 'bin', 'n8n');
}

/** n8n keeps its own state in `<N8N_USER_FOLDER>/.n8n`. */
export function n8nStateDir(userFolder: string): string {
  return path.join(userFolder, '.n8n');
}

/** Where we keep what provisioning created, so a warm start reuses it. */
export function apiKeyFile(userFolder: string): string {
  return path.join(userFolder, 'aiphoto-api-key.json');
}

export function encryptionKeyFile(userFolder: string): string {
  return path.join(userFolder, 'aiphoto-encryption-key');
}
