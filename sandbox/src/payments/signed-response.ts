import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { randomAlnum, type SandboxKeys } from '../keys';
import { responseMessage, rsaSign } from './wechatpay-crypto';

/** Headers WeChat Pay puts on answers and notifies, signed with the platform private key. */
export function platformSignatureHeaders(keys: SandboxKeys, body: string): Record<string, string> {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const nonce = randomAlnum(32);
  return {
    'Wechatpay-Serial': keys.platform.publicKeyId,
    'Wechatpay-Signature': rsaSign(responseMessage(timestamp, nonce, body), keys.platform.privateKeyPem),
    'Wechatpay-Timestamp': timestamp,
    'Wechatpay-Nonce': nonce,
  };
}

/**
 * Sends an API v3 answer. Every answer is signed, errors included: merchant SDKs such as
 * wechatpay-axios-plugin reject unsigned 2xx answers.
 */
export function sendSigned(res: Response, keys: SandboxKeys, status: number, payload?: unknown): void {
  const body = payload === undefined ? '' : JSON.stringify(payload);
  res.status(status).set({ 'Request-ID': randomUUID(), ...platformSignatureHeaders(keys, body) });
  if (body) res.type('application/json').send(body);
  else res.end();
}

export function sendV3Error(res: Response, keys: SandboxKeys, status: number, code: string, message: string): void {
  sendSigned(res, keys, status, { code, message });
}
