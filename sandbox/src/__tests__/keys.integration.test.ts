import { createSign, createVerify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadOrCreateSandboxKeys, SANDBOX_KEYS_FILE } from '../keys';

describe('loadOrCreateSandboxKeys', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'aiphoto-sandbox-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the key file once (mode 0600) and reads the same keys afterwards', () => {
    const created = loadOrCreateSandboxKeys(join(dir, 'nested'));
    const file = join(dir, 'nested', SANDBOX_KEYS_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(loadOrCreateSandboxKeys(join(dir, 'nested'))).toEqual(created);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(created);
  });

  it('generates WeChat-Pay-like material: ids, a 32-byte APIv3 key and working RSA pairs', () => {
    const keys = loadOrCreateSandboxKeys(dir);
    expect(keys.mchid).toMatch(/^\d{10}$/);
    expect(keys.platform.publicKeyId).toMatch(/^PUB_KEY_ID_\d+$/);
    expect(keys.merchant.serial).toMatch(/^[0-9A-F]{40}$/);
    expect(Buffer.from(keys.apiV3Key, 'utf8')).toHaveLength(32);
    for (const pair of [keys.platform, keys.merchant]) {
      const signature = createSign('RSA-SHA256').update('m').sign(pair.privateKeyPem, 'base64');
      expect(createVerify('RSA-SHA256').update('m').verify(pair.publicKeyPem, signature, 'base64')).toBe(true);
    }
    expect(keys.platform.privateKeyPem).not.toBe(keys.merchant.privateKeyPem);
  });

  it('completes a key file from before Alipay and WeChat sign-in, keeping its WeChat Pay keys', () => {
    const { alipay: _a, wechatLogin: _w, ...old } = loadOrCreateSandboxKeys(dir);
    writeFileSync(join(dir, SANDBOX_KEYS_FILE), JSON.stringify(old));
    const upgraded = loadOrCreateSandboxKeys(dir);
    expect(upgraded).toMatchObject(old);
    expect(upgraded.alipay.appId).toMatch(/^2021\d{12}$/);
    expect(upgraded.wechatLogin.webAppId).toMatch(/^wxweb/);
    expect(loadOrCreateSandboxKeys(dir)).toEqual(upgraded);
  });

  it('refuses a file that is not a sandbox key file instead of overwriting it', () => {
    writeFileSync(join(dir, SANDBOX_KEYS_FILE), '{"hello":1}');
    expect(() => loadOrCreateSandboxKeys(dir)).toThrow(/not a sandbox key file/);
  });
});
