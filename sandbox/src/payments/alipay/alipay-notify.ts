import { randomBytes } from 'node:crypto';
import type { SandboxKeys } from '../../keys';
import type { NotifyResult } from '../notify';
import { alipayTime, signParams } from './alipay-sign';
import type { AlipayTrade } from './alipay-trades';

/** The async notify of a paid trade (`trade_status_sync`), signed with the Alipay key. */
export function buildAlipayNotify(keys: SandboxKeys, trade: AlipayTrade, now = new Date()): Record<string, string> {
  const { appId, sellerId, alipayPrivateKeyPem } = keys.alipay;
  return signParams(
    {
      notify_time: alipayTime(now),
      notify_type: 'trade_status_sync',
      notify_id: randomBytes(16).toString('hex'),
      charset: 'utf-8',
      version: '1.0',
      app_id: appId,
      auth_app_id: appId,
      seller_id: sellerId,
      out_trade_no: trade.out_trade_no,
      trade_no: trade.trade_no ?? '',
      trade_status: trade.trade_status,
      subject: trade.subject,
      total_amount: trade.total_amount,
      receipt_amount: trade.total_amount,
      buyer_pay_amount: trade.total_amount,
      invoice_amount: trade.total_amount,
      point_amount: '0.00',
      buyer_id: trade.buyer_id ?? '',
      gmt_create: trade.gmt_create,
      gmt_payment: trade.gmt_payment ?? '',
      fund_bill_list: JSON.stringify([{ amount: trade.total_amount, fundChannel: 'ALIPAYACCOUNT' }]),
    },
    alipayPrivateKeyPem,
  );
}

/** Form-POSTs the notify to the trade's `notify_url`, one attempt, and reports the answer. */
export async function sendAlipayNotify(keys: SandboxKeys, trade: AlipayTrade): Promise<NotifyResult> {
  const url = trade.notify_url;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded; charset=utf-8' },
      body: new URLSearchParams(buildAlipayNotify(keys, trade)).toString(),
      redirect: 'manual',
      signal: AbortSignal.timeout(5_000),
    });
    return { url, status: res.status, body: await res.text() };
  } catch (err) {
    return { url, error: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Where the cashier sends the payer after paying: the merchant's `return_url` with the signed
 * synchronous return parameters appended (merchants must not trust them; they query instead).
 */
export function signedReturnUrl(keys: SandboxKeys, trade: AlipayTrade, now = new Date()): string | undefined {
  if (!trade.return_url) return undefined;
  const { appId, sellerId, alipayPrivateKeyPem } = keys.alipay;
  const params = signParams(
    {
      charset: 'utf-8',
      method: `${trade.method}.return`,
      version: '1.0',
      app_id: appId,
      auth_app_id: appId,
      seller_id: sellerId,
      out_trade_no: trade.out_trade_no,
      trade_no: trade.trade_no ?? '',
      total_amount: trade.total_amount,
      timestamp: alipayTime(now),
    },
    alipayPrivateKeyPem,
  );
  const url = new URL(trade.return_url);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}
