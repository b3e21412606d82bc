import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig as load } from '../../../config/config';
import { fenToYuan, yuanToFen } from '../channels/alipay.channel';

const prod = {
  NODE_ENV: 'production',
  VENDOR_MODE: 'live',
  DATABASE_URL: 'mysql://u@db/aiphoto',
  REDIS_URL: 'redis://cache:6379',
  PUBLIC_BASE_URL: 'https://aiphoto.example',
  JWT_SECRET: 'a-production-secret-value-Vq82mZpL',
  N8N_SHARED_SECRET: 'another-production-secret-Kd71xWn',
  ADMIN_BOOTSTRAP_PASSWORD: 'Str0ngAdminPass',
};

// A fresh data folder per call: without secrets in the environment one is generated there.
const loadConfig = (env: Record<string, string>) =>
  load({ DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'aiphoto-payments-config-')), ...env });
// Given, so that no secrets file is written into a data folder that is only a path here.
const secrets = { JWT_SECRET: prod.JWT_SECRET, N8N_SHARED_SECRET: prod.N8N_SHARED_SECRET };

describe('payment configuration', () => {
  it('enables every channel against the sandbox by default in sandbox mode and none in live mode', () => {
    const sandbox = loadConfig({ NODE_ENV: 'test', PORT: '3100' }).payments;
    expect(sandbox).toMatchObject({
      channels: ['wechat', 'alipay', 'sandbox'],
      useSandboxVendors: true,
      wechatScenes: ['native', 'h5', 'jsapi'],
      alipayScenes: ['page', 'wap', 'qr'],
      returnUrl: 'http://127.0.0.1:3100/billing/return',
      payTimeoutSeconds: 900,
    });
    expect(loadConfig({ NODE_ENV: 'test', VENDOR_MODE: 'live' }).payments.channels).toEqual([]);
    expect(loadConfig({ NODE_ENV: 'test', DATA_DIR: '/srv/aiphoto', ...secrets }).payments.sandboxKeysFile).toBe(
      '/srv/aiphoto/sandbox-keys.json',
    );
  });

  it('refuses the sandbox channel in production', () => {
    expect(() => loadConfig({ ...prod, PAYMENT_CHANNELS: 'sandbox' })).toThrow(
      /sandbox channel is not allowed in production/,
    );
  });

  it('names what an enabled channel is missing, and unknown channels', () => {
    const err = (() => {
      try {
        loadConfig({
          NODE_ENV: 'test',
          VENDOR_MODE: 'live',
          PAYMENT_CHANNELS: 'wechat,alipay,paypal',
          ALIPAY_SCENES: 'page,barcode',
          ORDER_PAY_TIMEOUT_SECONDS: '9000',
        });
      } catch (e) {
        return e as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();
    expect(err.problems.join('\n')).toMatch(/"wechat" needs WECHATPAY_MCHID/);
    expect(err.problems.join('\n')).toMatch(/"alipay" needs ALIPAY_APP_ID/);
    expect(err.problems.join('\n')).toMatch(/unknown channel "paypal"/);
    expect(err.problems.join('\n')).toMatch(/ALIPAY_SCENES: unknown scene "barcode"/);
    expect(err.problems.join('\n')).toMatch(/ORDER_CLOSE_AFTER_SECONDS: must not be shorter/);
  });

  it('offers the scenes a live merchant usually has, and the return URL from PUBLIC_BASE_URL', () => {
    const live = loadConfig({ ...prod, PAYMENT_CHANNELS: '' }).payments;
    expect(live).toMatchObject({
      wechatScenes: ['native', 'jsapi'],
      alipayScenes: ['page', 'wap'],
      returnUrl: 'https://aiphoto.example/billing/return',
    });
  });

  it('converts Alipay yuan strings without floating point', () => {
    expect(yuanToFen('99.00')).toBe(9900);
    expect(yuanToFen('0.1')).toBe(10);
    expect(yuanToFen('12')).toBe(1200);
    expect(yuanToFen('1.005')).toBeNull();
    expect(yuanToFen('-1')).toBeNull();
    expect(fenToYuan(9900)).toBe('99.00');
    expect(fenToYuan(5)).toBe('0.05');
  });
});
