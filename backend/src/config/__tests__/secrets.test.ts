import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../config';
import { PUBLIC_SECRETS } from '../secrets';

const OLD_DEFAULTS = {
  JWT_SECRET: 'dev-only-jwt-secret-change-me',
  N8N_SHARED_SECRET: 'dev-only-n8n-shared-secret-change-me',
  ADMIN_BOOTSTRAP_PASSWORD: 'Admin12345',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('secrets of the embedded default', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'aiphoto-secrets-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('generates random signing secrets into the data folder (0600) on first start and reuses them', () => {
    const first = loadConfig({ DATA_DIR: dataDir });
    const file = path.join(dataDir, 'secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;
    expect(first.auth.jwtSecret).toBe(stored.JWT_SECRET);
    expect(first.n8n.sharedSecret).toBe(stored.N8N_SHARED_SECRET);
    expect(first.auth.jwtSecret).toMatch(/^[\w-]{43}$/);
    expect(first.auth.jwtSecret).not.toBe(first.n8n.sharedSecret);
    expect(PUBLIC_SECRETS.has(first.auth.jwtSecret)).toBe(false);

    const again = loadConfig({ DATA_DIR: dataDir });
    expect(again.auth.jwtSecret).toBe(first.auth.jwtSecret);
    expect(again.n8n.sharedSecret).toBe(first.n8n.sharedSecret);

    const other = loadConfig({ DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'aiphoto-secrets-')) });
    expect(other.auth.jwtSecret).not.toBe(first.auth.jwtSecret);
  });

  it('uses secrets from the environment and writes no file then', () => {
    const config = loadConfig({
      DATA_DIR: dataDir,
      JWT_SECRET: 'env-jwt-secret-0123456789',
      N8N_SHARED_SECRET: 'env-n8n-secret-0123456789',
    });
    expect(config.auth.jwtSecret).toBe('env-jwt-secret-0123456789');
    expect(config.n8n.sharedSecret).toBe('env-n8n-secret-0123456789');
    expect(() => statSync(path.join(dataDir, 'secrets.json'))).toThrow();
  });

  it('leaves the bootstrap admin password unset (generated at account creation), never a fixed value', () => {
    expect(loadConfig({ DATA_DIR: dataDir }).adminBootstrap).toEqual({ username: 'admin', password: null });
  });

  it('refuses an incomplete secrets file instead of signing with something else', () => {
    writeFileSync(path.join(dataDir, 'secrets.json'), '{"JWT_SECRET":"x"}');
    expect(() => loadConfig({ DATA_DIR: dataDir })).toThrow(/incomplete/);
  });

  it.each(Object.entries(OLD_DEFAULTS))(
    'refuses the published former default %s in every environment',
    (name, value) => {
      for (const NODE_ENV of ['development', 'test']) {
        expect(problemsOf({ NODE_ENV, DATA_DIR: dataDir, [name]: value })).toEqual([
          expect.stringMatching(new RegExp(`^${name}: this value is published`)),
        ]);
      }
    },
  );

  describe('live vendors (and with them the real payment gateways) count as deployed, whatever NODE_ENV says', () => {
    const weak = { JWT_SECRET: 'short-but-16-chars', N8N_SHARED_SECRET: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa' };
    it.each([['VENDOR_MODE=live', { VENDOR_MODE: 'live' }]])(
      '%s refuses weak explicit secrets',
      (_label, deployedEnv) => {
        const problems = problemsOf({ DATA_DIR: dataDir, ...deployedEnv, ...weak });
        expect(problems).toEqual([
          expect.stringMatching(/^JWT_SECRET: too weak/),
          expect.stringMatching(/^N8N_SHARED_SECRET: too weak/),
        ]);
        const strong = {
          JWT_SECRET: 'Zq3vN8xK2pL7wR4tY6uI1oP9aS5dF0gH',
          N8N_SHARED_SECRET: 'mB4nV7cX1zL8kJ2hG5fD9sA3qW6eR0tY',
        };
        expect(problemsOf({ DATA_DIR: dataDir, ...deployedEnv, ...strong })).toEqual([]);
        expect(loadConfig({ DATA_DIR: dataDir, ...deployedEnv, ...strong }).deployed).toBe(true);
      },
    );

    it('the sandbox is not deployed, its WeChat Pay and Alipay included, and accepts any non-public 16-character secret', () => {
      const config = loadConfig({ DATA_DIR: dataDir, PAYMENT_CHANNELS: 'wechat,alipay,sandbox', ...weak });
      expect(config.deployed).toBe(false);
      expect(config.auth.jwtSecret).toBe(weak.JWT_SECRET);
    });
  });
});
