import { createCipheriv, createSign, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { Rsa } from 'wechatpay-axios-plugin';
import { buildBackend } from '../../../bootstrap';
import type { DriverName } from '../../../db/data-source';
import { JwtService } from '../../auth/jwt.service';
import { UsersRepository } from '../../users/users.repository';
import type { LedgerService } from '../../ledger/ledger.service';
import type { MembershipService } from '../../membership/membership.service';
import type { PlansService } from '../../membership/plans.service';
import type { PaymentsService } from '../payments.service';
import { createTestDatabase } from '../../../testing/test-db';
import { testConfig } from '../../../testing/test-config';
import { buildMoneyModules } from '../../index';
import { SettingsService } from '../../settings/settings.service';

/** A 2048-bit RSA pair as PEM (pkcs8/spki), generated per test run: no key is ever committed. */
export function rsaPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

/** Everything WeChat Pay holds for one merchant in public-key mode, freshly generated. */
export function wechatVendorKeys() {
  return {
    mchid: '1900000109',
    appid: 'wxd678efh567hg6787',
    apiV3Key: randomBytes(16).toString('hex'),
    publicKeyId: `PUB_KEY_ID_0119000001092024${randomBytes(4).toString('hex')}`,
    platform: rsaPair(),
    merchant: { serial: randomBytes(20).toString('hex').toUpperCase(), ...rsaPair() },
  };
}
export type WechatVendorKeys = ReturnType<typeof wechatVendorKeys>;

export function wechatEnv(k: WechatVendorKeys): Record<string, string> {
  const oneLine = (pem: string) => pem.replace(/\n/g, '\\n');
  return {
    WECHATPAY_MCHID: k.mchid,
    WECHATPAY_APPID: k.appid,
    WECHATPAY_MERCHANT_SERIAL: k.merchant.serial,
    WECHATPAY_MERCHANT_PRIVATE_KEY: oneLine(k.merchant.privateKeyPem),
    WECHATPAY_PUBLIC_KEY: oneLine(k.platform.publicKeyPem),
    WECHATPAY_PUBLIC_KEY_ID: k.publicKeyId,
    WECHATPAY_APIV3_KEY: k.apiV3Key,
  };
}

/**
 * A notify as WeChat Pay builds it: resource AES-256-GCM-encrypted under the APIv3 key
 * (ciphertext || tag, base64), body signed SHA256-RSA over `ts\nnonce\nbody\n` with the
 * platform private key (through the library's Rsa.sign).
 */
export function wechatNotify(
  k: WechatVendorKeys,
  transaction: Record<string, unknown>,
  opts: { timestamp?: number; signWith?: string } = {},
) {
  const nonce = randomBytes(6).toString('hex');
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(k.apiV3Key), Buffer.from(nonce));
  cipher.setAAD(Buffer.from('transaction'));
  const ciphertext = Buffer.concat([
    cipher.update(JSON.stringify(transaction)),
    cipher.final(),
    cipher.getAuthTag(),
  ]).toString('base64');
  const body = JSON.stringify({
    id: randomBytes(8).toString('hex'),
    create_time: new Date().toISOString(),
    resource_type: 'encrypt-resource',
    event_type: 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    resource: {
      original_type: 'transaction',
      algorithm: 'AEAD_AES_256_GCM',
      ciphertext,
      associated_data: 'transaction',
      nonce,
    },
  });
  return signWechat(k, body, opts);
}

export function signWechat(k: WechatVendorKeys, body: string, opts: { timestamp?: number; signWith?: string } = {}) {
  const timestamp = String(opts.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = randomBytes(16).toString('hex');
  const signature = Rsa.sign(`${timestamp}\n${nonce}\n${body}\n`, opts.signWith ?? k.platform.privateKeyPem);
  return {
    body,
    headers: {
      'Content-Type': 'application/json',
      'Wechatpay-Serial': k.publicKeyId,
      'Wechatpay-Signature': signature,
      'Wechatpay-Timestamp': timestamp,
      'Wechatpay-Nonce': nonce,
    },
  };
}

export function wechatTransaction(
  k: WechatVendorKeys,
  outTradeNo: string,
  totalFen: number,
  overrides: Record<string, unknown> = {},
) {
  return {
    appid: k.appid,
    mchid: k.mchid,
    out_trade_no: outTradeNo,
    transaction_id: `4200${randomBytes(12).toString('hex').replace(/\D/g, '7').slice(0, 24)}`,
    trade_type: 'NATIVE',
    trade_state: 'SUCCESS',
    success_time: new Date().toISOString(),
    amount: { total: totalFen, payer_total: totalFen, currency: 'CNY', payer_currency: 'CNY' },
    ...overrides,
  };
}

/** An Alipay async notify: RSA2 (SHA256withRSA) over the sorted params without sign/sign_type. */
export function alipayNotify(privateKeyPem: string, params: Record<string, string>): Record<string, string> {
  const content = Object.keys(params)
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join('&');
  const sign = createSign('RSA-SHA256').update(content, 'utf8').sign(privateKeyPem, 'base64');
  return { ...params, sign, sign_type: 'RSA2' };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
    srv.once('error', reject);
  });
}

/** The money services the tests call directly (all over the one ledger the routes use). */
export interface MoneyApi {
  ledger: LedgerService;
  membership: MembershipService;
  plans: PlansService;
  payments: PaymentsService;
}

/** A backend with only the money modules, on its own database; `token(userId)` signs a merchant JWT. */
export async function moneyBackend(driver: DriverName, env: Record<string, string>) {
  const db = await createTestDatabase(driver, { poolSize: 20 });
  await db.ds.destroy();
  const config = testConfig({ DATABASE_POOL_SIZE: '20', ...env }, db.config);
  let money: MoneyApi | undefined;
  const backend = await buildBackend(config, {
    modules: async (ctx) => {
      // The money modules wired as the app wires them, with a settings service of their own.
      const built = buildMoneyModules(ctx, {
        jwt: new JwtService(ctx.config.auth.jwtSecret, 3600),
        users: new UsersRepository(),
        settings: new SettingsService(ctx.db, ctx.config),
      });
      money = {
        ledger: built.ledger.api.ledger,
        membership: built.membership.api.membership,
        plans: built.membership.api.plans,
        payments: built.payments.api.payments,
      };
      return built.modules;
    },
  });
  const jwt = new JwtService(config.auth.jwtSecret, 3600);
  return {
    backend,
    money: money!,
    ds: backend.ctx.db,
    token: (userId: string) => jwt.sign('aiphoto-merchant', { sub: userId, phone: '13900000000' }),
    adminToken: (role: 'admin' | 'operator' = 'admin') =>
      jwt.sign('aiphoto-admin', { sub: 'admin-1', username: 'root', role }),
    close: async () => {
      await backend.close();
      await db.drop();
    },
  };
}
export type MoneyBackend = Awaited<ReturnType<typeof moneyBackend>>;
