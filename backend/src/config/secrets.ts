import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Secrets of the embedded default. Nothing here is a default value: an unset secret is
 * generated once per data folder and kept there (0600), like n8n's encryption key, so a fresh
 * install never signs with a string that is printed in the repository.
 */

/** Values that were once defaults and appear in public copies of the repo: refused everywhere. */
export const PUBLIC_SECRETS: ReadonlySet<string> = new Set([
  'dev-only-jwt-secret-change-me',
  'dev-only-n8n-shared-secret-change-me',
  'Admin12345',
]);

/** The secrets generated into `<DATA_DIR>/secrets.json` when the environment does not set them. */
export type LocalSecretName = 'JWT_SECRET' | 'N8N_SHARED_SECRET';
export type LocalSecrets = Record<LocalSecretName, string>;

export const LOCAL_SECRETS_FILE = 'secrets.json';

/** Shortest explicitly set secret accepted where real vendors or production are involved. */
export const DEPLOYED_SECRET_MIN_LENGTH = 32;

const generate = () => randomBytes(32).toString('base64url');

function readSecrets(file: string): Partial<LocalSecrets> {
  return JSON.parse(readFileSync(file, 'utf8')) as Partial<LocalSecrets>;
}

/**
 * The data folder's secrets, created on first use. Several processes may start together on one
 * folder (npm start runs the backend beside n8n's provisioning; tests start stacks in parallel):
 * the file is written whole under a temporary name and linked into place, and link() fails when
 * another process got there first, so everyone ends up with the same values.
 */
export function loadOrCreateLocalSecrets(dataDir: string): LocalSecrets {
  const file = path.join(dataDir, LOCAL_SECRETS_FILE);
  if (existsSync(file)) {
    const stored = readSecrets(file);
    if (stored.JWT_SECRET && stored.N8N_SHARED_SECRET) return stored as LocalSecrets;
    throw new Error(
      `${file} is incomplete: delete it to generate new secrets, or set JWT_SECRET and N8N_SHARED_SECRET`,
    );
  }
  mkdirSync(dataDir, { recursive: true });
  const secrets: LocalSecrets = { JWT_SECRET: generate(), N8N_SHARED_SECRET: generate() };
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600 });
  try {
    linkSync(tmp, file);
    return secrets;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return readSecrets(file) as LocalSecrets;
  } finally {
    unlinkSync(tmp);
  }
}

/**
 * Why `value` may not sign anything, or null. Public values are refused in every environment;
 * where money or real customers are involved (`deployed`) a secret must also be long and not
 * a run of a few repeated characters.
 */
export function weakSecretProblem(name: string, value: string, deployed: boolean): string | null {
  if (PUBLIC_SECRETS.has(value)) {
    return `${name}: this value is published in the repository and is never accepted; set a random secret (or unset it outside production to have one generated)`;
  }
  if (!deployed) return null;
  if (value.length < DEPLOYED_SECRET_MIN_LENGTH || new Set(value).size < 10) {
    return `${name}: too weak for production or live vendors; use at least ${DEPLOYED_SECRET_MIN_LENGTH} random characters (e.g. openssl rand -base64 32)`;
  }
  return null;
}
