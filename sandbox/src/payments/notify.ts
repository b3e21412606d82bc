import { randomUUID } from 'node:crypto';
import type { SandboxKeys } from '../keys';
import { transactionOf, type SandboxOrder } from './order-book';
import { platformSignatureHeaders } from './signed-response';
import { chinaTime, encryptResource } from './wechatpay-crypto';

/** What the merchant server answered to a notify (or why it could not be reached). */
export type NotifyResult = { url: string; status: number; body: string } | { url: string; error: string };

/** The notify body of a successful payment, resource encrypted under the APIv3 key. */
export function buildPaymentNotify(keys: SandboxKeys, order: SandboxOrder): string {
  const resource = encryptResource(keys.apiV3Key, JSON.stringify(transactionOf(order)), 'transaction');
  return JSON.stringify({
    id: randomUUID(),
    create_time: chinaTime(new Date()),
    resource_type: 'encrypt-resource',
    event_type: 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    resource: { original_type: 'transaction', ...resource },
  });
}

/**
 * POSTs the notify to the order's `notify_url` exactly as WeChat Pay v3 does: JSON body,
 * `Wechatpay-Serial/-Signature/-Timestamp/-Nonce` headers signed with the platform key.
 * One attempt (WeChat would retry on its schedule; call the pay endpoint again to resend).
 */
export async function sendPaymentNotify(keys: SandboxKeys, order: SandboxOrder): Promise<NotifyResult> {
  const body = buildPaymentNotify(keys, order);
  const url = order.notify_url;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        Accept: 'application/json',
        'User-Agent': 'Mozilla/4.0 (AI Photo sandbox; WeChat Pay v3 notify)',
        ...platformSignatureHeaders(keys, body),
      },
      body,
      redirect: 'manual',
      // WeChat Pay waits 5 s for the merchant's answer.
      signal: AbortSignal.timeout(5_000),
    });
    return { url, status: res.status, body: await res.text() };
  } catch (err) {
    return { url, error: err instanceof Error ? err.message : String(err) };
  }
}
