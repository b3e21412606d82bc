import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { N8nPublicApi } from '../runtime/n8n-client';
import { REPO_ROOT, apiKeyFile } from '../runtime/paths';

type Env = Record<string, string | undefined>;

/**
 * The n8n user folder of the embedded stack: `<DATA_DIR>/n8n` (DATA_DIR defaults to `.data`,
 * relative to the repo root), unless N8N_USER_FOLDER says otherwise.
 */
export function defaultUserFolder(env: Env = process.env): string {
  if (env.N8N_USER_FOLDER) return path.resolve(REPO_ROOT, env.N8N_USER_FOLDER);
  return path.resolve(REPO_ROOT, env.DATA_DIR || '.data', 'n8n');
}

/**
 * Where the CLI finds n8n: N8N_BASE_URL (default http://127.0.0.1:$N8N_PORT, 5678) and an API key
 * from N8N_API_KEY or the one provisioning saved in the user folder.
 */
export function publicApiFromEnv(env: Env = process.env): N8nPublicApi {
  const baseUrl = (env.N8N_BASE_URL || `http://127.0.0.1:${env.N8N_PORT || 5678}`).replace(/\/+$/, '');
  let apiKey = env.N8N_API_KEY;
  if (!apiKey) {
    const file = apiKeyFile(defaultUserFolder(env));
    if (!existsSync(file)) {
      throw new Error(
        `No n8n API key: set N8N_API_KEY (n8n → Settings → n8n API) or start the stack once with "npm start" (it saves ${file})`,
      );
    }
    apiKey = (JSON.parse(readFileSync(file, 'utf8')) as { apiKey: string }).apiKey;
  }
  return new N8nPublicApi(baseUrl, apiKey);
}

/** `--dir <folder>` or the repo's workflows folder. */
export function argValue(argv: string[], flag: string): string | undefined {
  const index = argv.indexOf(flag);
  return index >= 0 ? argv[index + 1] : undefined;
}
