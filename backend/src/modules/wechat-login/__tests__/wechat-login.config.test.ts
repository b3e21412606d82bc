import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../../config/config';
import { wechatLoginSettings } from '../wechat-login.config';

const dataDir = () => mkdtempSync(path.join(os.tmpdir(), 'aiphoto-wxconfig-'));

const production = {
  NODE_ENV: 'production',
  JWT_SECRET: 'a-real-production-jwt-secret-value-7Kq',
  N8N_SHARED_SECRET: 'a-real-production-n8n-shared-secret-9Zx',
  VENDOR_MODE: 'live',
  DATABASE_URL: 'mysql://aiphoto:pw@db:3306/aiphoto',
  REDIS_URL: 'redis://redis:6379',
  PUBLIC_BASE_URL: 'https://photo.example.com',
  WECHAT_LOGIN_WEB_APP_ID: 'wx0123456789abcdef',
  WECHAT_LOGIN_WEB_APP_SECRET: 'web-app-secret-from-open-platform',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ DATA_DIR: dataDir(), ...env });
    return [];
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
}

describe('WeChat sign-in settings', () => {
  it('production talks to WeChat itself, with its own apps, and back to the public URL', () => {
    const config = loadConfig({ DATA_DIR: dataDir(), ...production });
    expect(wechatLoginSettings(config.wechatLogin)()).toEqual({
      web: { appId: 'wx0123456789abcdef', secret: 'web-app-secret-from-open-platform' },
      mini: null,
      openUrl: 'https://open.weixin.qq.com',
      apiUrl: 'https://api.weixin.qq.com',
      redirectUrl: 'https://photo.example.com/login/wechat',
    });
  });

  it.each([
    ['the sandbox', 'http://127.0.0.1:9400'],
    ['plain http', 'http://wechat-proxy.example.com'],
    ['loopback over https', 'https://localhost:8443'],
  ])('production refuses %s as a WeChat endpoint', (_what, url) => {
    for (const name of ['WECHAT_LOGIN_API_URL', 'WECHAT_LOGIN_OPEN_URL']) {
      expect(problemsOf({ ...production, [name]: url })).toEqual([
        `${name}: production refuses the sandbox and any non-https or loopback WeChat endpoint`,
      ]);
    }
  });

  it('refuses an app id without its secret, in any environment', () => {
    expect(problemsOf({ WECHAT_LOGIN_MINI_APP_ID: 'wxmini' })).toEqual([
      'WECHAT_LOGIN_MINI_APP_ID and WECHAT_LOGIN_MINI_APP_SECRET: set both or neither',
    ]);
  });

  it('against the sandbox without own apps: the apps of the sandbox key file, read on first use', () => {
    const dir = dataDir();
    const config = loadConfig({ DATA_DIR: dir, SANDBOX_URL: 'http://127.0.0.1:9555/' });
    const settings = wechatLoginSettings(config.wechatLogin);
    // The sandbox writes its key file when it starts, possibly after the backend.
    expect(() => settings()).toThrow();
    writeFileSync(
      path.join(dir, 'sandbox-keys.json'),
      JSON.stringify({ appid: 'wxmini1', wechatLogin: { webAppId: 'wxweb1', webSecret: 's1', miniSecret: 's2' } }),
    );
    expect(settings()).toEqual({
      web: { appId: 'wxweb1', secret: 's1' },
      mini: { appId: 'wxmini1', secret: 's2' },
      openUrl: 'http://127.0.0.1:9555',
      apiUrl: 'http://127.0.0.1:9555',
      redirectUrl: 'http://127.0.0.1:3000/login/wechat',
    });
  });
});
