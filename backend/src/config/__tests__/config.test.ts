import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig as load } from '../config';

// Every call gets its own data folder: without secrets in the environment one is generated there.
const loadConfig = (env: Record<string, string>) =>
  load({ DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'aiphoto-config-')), ...env });

const productionEnv = {
  NODE_ENV: 'production',
  JWT_SECRET: 'a-real-production-jwt-secret-value-7Kq',
  N8N_SHARED_SECRET: 'a-real-production-n8n-shared-secret-9Zx',
  ADMIN_BOOTSTRAP_PASSWORD: 'A-real-admin-password-1',
  VENDOR_MODE: 'live',
  DATABASE_URL: 'mysql://aiphoto:pw@db:3306/aiphoto',
  REDIS_URL: 'redis://redis:6379',
  PUBLIC_BASE_URL: 'https://photo.example.com',
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

describe('loadConfig', () => {
  it('builds the embedded default from an empty environment', () => {
    const config = loadConfig({});
    expect(config.database.type).toBe('sqlite');
    expect(config.redis).toBeNull();
    expect(config.http.port).toBe(3000);
    expect(config.plan).toEqual({ monthlyQuota: 100, priceFen: 9900, days: 30 });
    expect(config.vendors.mode).toBe('sandbox');
  });

  it('selects MySQL and Redis when their URLs are set', () => {
    const config = loadConfig({
      DATABASE_URL: 'mysql://root@127.0.0.1:3306/test',
      REDIS_URL: 'redis://127.0.0.1:6379',
    });
    expect(config.database).toEqual({ type: 'mysql', url: 'mysql://root@127.0.0.1:3306/test', poolSize: 10 });
    expect(config.redis?.url).toBe('redis://127.0.0.1:6379');
  });

  it('names the variable that is wrong', () => {
    expect(problemsOf({ PORT: 'eighty' })).toEqual([expect.stringMatching(/^PORT: /)]);
    expect(problemsOf({ DATABASE_URL: 'postgres://x' })).toEqual([
      expect.stringMatching(/^DATABASE_URL: must be a mysql/),
    ]);
    expect(problemsOf({ JWT_SECRET: 'short' })).toEqual([expect.stringMatching(/^JWT_SECRET: /)]);
    expect(problemsOf({ PLAN_MONTHLY_QUOTA: '0' })).toEqual([expect.stringMatching(/^PLAN_MONTHLY_QUOTA: /)]);
  });

  it('uploads through the server with the sandbox and directly to COS with live vendors, unless UPLOAD_MODE says', () => {
    expect(loadConfig({}).storage.uploadMode).toBe('server');
    expect(loadConfig({ VENDOR_MODE: 'live' }).storage.uploadMode).toBe('direct');
    expect(loadConfig({ UPLOAD_MODE: 'direct' }).storage.uploadMode).toBe('direct');
    expect(loadConfig({ VENDOR_MODE: 'live', UPLOAD_MODE: 'server' }).storage.uploadMode).toBe('server');
    expect(problemsOf({ UPLOAD_MODE: 'cos' })).toEqual([expect.stringMatching(/^UPLOAD_MODE: /)]);
  });

  it('treats empty values as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).http.port).toBe(3000);
  });

  it('accepts a complete production configuration', () => {
    expect(problemsOf(productionEnv)).toEqual([]);
    expect(loadConfig(productionEnv).isProduction).toBe(true);
    expect(loadConfig(productionEnv).http.requestLogLevel).toBe('info');
  });

  it.each(['JWT_SECRET', 'N8N_SHARED_SECRET'])('refuses to start in production with a weak %s', (name) => {
    const env = { ...productionEnv, [name]: 'sixteen-chars-ok' };
    expect(problemsOf(env)).toEqual([expect.stringContaining(`${name}: too weak`)]);
  });

  it('refuses to start in production when secrets are left unset (replicas could not share generated ones)', () => {
    const { JWT_SECRET: _j, N8N_SHARED_SECRET: _n, ...rest } = productionEnv;
    const problems = problemsOf(rest);
    expect(problems).toEqual(
      expect.arrayContaining([expect.stringMatching(/^JWT_SECRET/), expect.stringMatching(/^N8N_SHARED_SECRET/)]),
    );
  });

  it('refuses sandbox vendors, SQLite and in-process state in production', () => {
    const { DATABASE_URL: _d, REDIS_URL: _r, ...rest } = productionEnv;
    const problems = problemsOf({ ...rest, VENDOR_MODE: 'sandbox' });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^VENDOR_MODE/),
        expect.stringMatching(/^DATABASE_URL/),
        expect.stringMatching(/^REDIS_URL/),
      ]),
    );
  });

  it('sends SMS codes to mainland numbers only unless more calling codes are listed', () => {
    expect(loadConfig({}).sms.allowedCountryCodes).toEqual(['+86']);
    expect(loadConfig({ SMS_ALLOWED_COUNTRY_CODES: '+86, +852' }).sms.allowedCountryCodes).toEqual(['+86', '+852']);
    expect(problemsOf({ SMS_ALLOWED_COUNTRY_CODES: '86,CN' })).toEqual([
      expect.stringMatching(/^SMS_ALLOWED_COUNTRY_CODES\.0: each must be a calling code/),
      expect.stringMatching(/^SMS_ALLOWED_COUNTRY_CODES\.1: /),
    ]);
  });

  it('trusts X-Forwarded-For only as far as TRUST_PROXY says, never blanket', () => {
    const trust = (value: string, extra: Record<string, string> = {}) =>
      loadConfig({ TRUST_PROXY: value, ...extra }).http.trustProxy;
    expect(trust('false')).toBe(false);
    expect(trust('0')).toBe(false);
    expect(trust('2')).toBe(2);
    expect(trust('10.0.0.0/8, loopback,2001:db8::/32, 192.168.1.4')).toEqual([
      '10.0.0.0/8',
      'loopback',
      '2001:db8::/32',
      '192.168.1.4',
    ]);
    const blanket = loadConfig({ TRUST_PROXY: 'true' });
    expect(blanket.http.trustProxy).toBe(1);
    expect(blanket.warnings).toEqual([expect.stringContaining('TRUST_PROXY=true is read as 1')]);
    expect(problemsOf({ ...productionEnv, TRUST_PROXY: 'true' })).toEqual([
      expect.stringMatching(/^TRUST_PROXY: "true" would trust any X-Forwarded-For/),
    ]);
    expect(problemsOf({ ...productionEnv, TRUST_PROXY: '1' })).toEqual([]);
    for (const bad of ['10.0.0.0/33', 'proxy.example.com', '10.0.0.1/8/2', '::1/129', '11']) {
      expect(problemsOf({ TRUST_PROXY: bad })).toEqual([expect.stringMatching(/^TRUST_PROXY: /)]);
    }
  });

  it('hands each module its own typed block, and no raw environment', () => {
    const config = loadConfig({
      WEBHOOK_MAX_ATTEMPTS: '3',
      UPLOAD_URL_PER_MINUTE: '7',
      UPLOAD_MAX_BYTES: '4096',
      CREDIT_PACKS: 'Small:10:990, Big:100:8800',
      CHECKIN_CREDITS: '0',
      AUDIT_ENABLED: 'yes',
      WS_MAX_SOCKETS_PER_USER: '4',
    });
    expect(config.automation).toMatchObject({ maxAttempts: 3, allowPrivateUrls: true });
    expect(config.fromUrl).toMatchObject({ perMinute: 7, maxBytes: 4096, allowPrivate: true });
    expect(config.credits).toMatchObject({
      packs: [
        { name: 'Small', credits: 10, priceFen: 990 },
        { name: 'Big', credits: 100, priceFen: 8800 },
      ],
      checkinCredits: 0,
      inviteMaxRewards: 50,
    });
    expect(config.audit).toEqual({ enabled: true, threshold: 85 });
    expect(config.limits.wsMaxSocketsPerUser).toBe(4);
    expect(config.wechatLogin.sandbox).toMatchObject({ url: 'http://127.0.0.1:9400' });
    expect(Object.keys(config)).not.toContain('raw');
    // Production defaults differ: private webhook and upload URLs are refused there.
    const production = loadConfig(productionEnv);
    expect([production.automation.allowPrivateUrls, production.fromUrl.allowPrivate]).toEqual([false, false]);
    expect(production.wechatLogin.sandbox).toBeNull();
  });

  it('builds the n8n block from its own file, with the shared secret config.ts resolved', () => {
    const config = loadConfig({
      N8N_SHARED_SECRET: 'the-n8n-shared-secret-for-this-test',
      N8N_BASE_URL: 'http://127.0.0.1:5678/',
      N8N_OWNER_EMAIL: 'owner@example.com',
    });
    // The editor defaults to the base URL without its trailing slash; half a login is no login.
    expect(config.n8n).toEqual({
      baseUrl: 'http://127.0.0.1:5678/',
      sharedSecret: 'the-n8n-shared-secret-for-this-test',
      editorUrl: 'http://127.0.0.1:5678',
      owner: null,
    });
    const generated = loadConfig({
      N8N_EDITOR_URL: 'https://n8n.example.com//',
      N8N_OWNER_EMAIL: 'o@example.com',
      N8N_OWNER_PASSWORD: 'pw',
    });
    expect(generated.n8n).toMatchObject({
      baseUrl: null,
      editorUrl: 'https://n8n.example.com',
      owner: { email: 'o@example.com', password: 'pw' },
    });
    expect(generated.n8n.sharedSecret.length).toBeGreaterThanOrEqual(16);
    expect(problemsOf({ N8N_BASE_URL: 'not a url' })).toEqual([expect.stringMatching(/^N8N_BASE_URL: /)]);
  });

  it('refuses a CREDIT_PACKS entry that is not name:credits:priceFen at start', () => {
    expect(problemsOf({ CREDIT_PACKS: 'Small:10:990,Broken:ten:5' })).toEqual([
      'CREDIT_PACKS: "Broken:ten:5" is not name:credits:priceFen with positive numbers',
    ]);
  });

  it('reports every problem at once', () => {
    expect(problemsOf({ PORT: 'x', LOG_LEVEL: 'loud' })).toHaveLength(2);
  });
});
