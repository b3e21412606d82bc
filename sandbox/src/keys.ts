import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Key material of the sandbox payment channel (WeChat Pay v3 shape). Generated locally
 * once per data folder so the backend can be configured with the same file: the backend
 * signs requests with `merchant.privateKeyPem`, verifies responses and notifies with
 * `platform.publicKeyPem` (public-key mode, id `platform.publicKeyId`) and decrypts
 * notify resources with `apiV3Key`.
 */
export interface SandboxKeys {
  mchid: string;
  appid: string;
  /** 32 ASCII characters; its UTF-8 bytes are the AES-256-GCM key, as with WeChat Pay. */
  apiV3Key: string;
  platform: { publicKeyId: string; privateKeyPem: string; publicKeyPem: string };
  merchant: { serial: string; privateKeyPem: string; publicKeyPem: string };
  /**
   * Alipay (RSA2): the backend signs requests with `appPrivateKeyPem` and verifies answers,
   * returns and notifies with `alipayPublicKeyPem`; the sandbox holds the other halves.
   */
  alipay: {
    appId: string;
    sellerId: string;
    appPrivateKeyPem: string;
    appPublicKeyPem: string;
    alipayPrivateKeyPem: string;
    alipayPublicKeyPem: string;
  };
  /**
   * WeChat sign-in apps: the Open Platform website app (QR login, `snsapi_login`) and the
   * mini-program (`jscode2session`); the mini-program is the app bound to `mchid` (`appid`).
   */
  wechatLogin: { webAppId: string; webSecret: string; miniSecret: string };
}

export const SANDBOX_KEYS_FILE = 'sandbox-keys.json';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random alphanumeric string (WeChat Pay uses such strings for keys and nonces). */
export function randomAlnum(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (let i = 0; i < length; i++) out += ALNUM[bytes[i] % ALNUM.length];
  return out;
}

function rsaPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

const digits = (n: number) => Array.from(randomBytes(n), (b) => String(b % 10)).join('');

function alipayKeys(): SandboxKeys['alipay'] {
  const app = rsaPair();
  const alipay = rsaPair();
  return {
    appId: `2021${digits(12)}`,
    sellerId: `2088${digits(12)}`,
    appPrivateKeyPem: app.privateKeyPem,
    appPublicKeyPem: app.publicKeyPem,
    alipayPrivateKeyPem: alipay.privateKeyPem,
    alipayPublicKeyPem: alipay.publicKeyPem,
  };
}

function wechatLoginKeys(): SandboxKeys['wechatLogin'] {
  return {
    webAppId: `wxweb${randomBytes(6).toString('hex')}`,
    webSecret: randomBytes(16).toString('hex'),
    miniSecret: randomBytes(16).toString('hex'),
  };
}

export function generateSandboxKeys(): SandboxKeys {
  return {
    mchid: `19${digits(8)}`,
    appid: `wxsandbox${randomBytes(5).toString('hex')}`,
    apiV3Key: randomAlnum(32),
    platform: { publicKeyId: `PUB_KEY_ID_01${digits(30)}`, ...rsaPair() },
    merchant: { serial: randomBytes(20).toString('hex').toUpperCase(), ...rsaPair() },
    alipay: alipayKeys(),
    wechatLogin: wechatLoginKeys(),
  };
}

/** The WeChat Pay part every key file has had since the first version. */
type WechatPart = Omit<SandboxKeys, 'alipay' | 'wechatLogin'>;

function isSandboxKeys(value: unknown): value is WechatPart & Partial<SandboxKeys> {
  const v = value as Partial<SandboxKeys> | null;
  return (
    !!v &&
    typeof v.mchid === 'string' &&
    typeof v.appid === 'string' &&
    typeof v.apiV3Key === 'string' &&
    v.apiV3Key.length === 32 &&
    typeof v.platform?.privateKeyPem === 'string' &&
    typeof v.platform.publicKeyId === 'string' &&
    typeof v.merchant?.privateKeyPem === 'string' &&
    typeof v.merchant.serial === 'string'
  );
}

/**
 * Reads `<dataDir>/sandbox-keys.json`, creating it on first use. The file is written
 * (mode 0600) to a temporary name and hard-linked into place, which fails if it exists:
 * two processes starting at once cannot end up with different or half-written keys.
 */
export function loadOrCreateSandboxKeys(dataDir: string): SandboxKeys {
  const file = join(dataDir, SANDBOX_KEYS_FILE);
  try {
    return completeKeys(parseKeys(readFileSync(file, 'utf8'), file), file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dirname(file), { recursive: true });
  const keys = generateSandboxKeys();
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, JSON.stringify(keys, null, 2) + '\n', { mode: 0o600 });
  try {
    linkSync(tmp, file);
    return keys;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return completeKeys(parseKeys(readFileSync(file, 'utf8'), file), file);
  } finally {
    unlinkSync(tmp);
  }
}

function parseKeys(text: string, file: string): WechatPart & Partial<SandboxKeys> {
  const parsed: unknown = JSON.parse(text);
  if (!isSandboxKeys(parsed)) throw new Error(`${file} is not a sandbox key file; delete it to regenerate`);
  return parsed;
}

/**
 * A key file written before Alipay and WeChat sign-in existed keeps its WeChat Pay keys (the
 * sandbox's stored orders were signed with them) and gains the missing parts, written back
 * with an atomic rename. Only the sandbox writes the file; the backend reads it.
 */
function completeKeys(keys: WechatPart & Partial<SandboxKeys>, file: string): SandboxKeys {
  if (keys.alipay && keys.wechatLogin) return keys as SandboxKeys;
  const complete: SandboxKeys = {
    ...keys,
    alipay: keys.alipay ?? alipayKeys(),
    wechatLogin: keys.wechatLogin ?? wechatLoginKeys(),
  };
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(tmp, JSON.stringify(complete, null, 2) + '\n', { mode: 0o600 });
  renameSync(tmp, file);
  return complete;
}
