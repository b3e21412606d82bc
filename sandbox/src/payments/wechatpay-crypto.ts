import { createCipheriv, createSign, createVerify, timingSafeEqual } from 'node:crypto';
import { randomAlnum } from '../keys';

/** `SHA256withRSA`, base64: how WeChat Pay v3 signs and expects signatures. */
export function rsaSign(message: string, privateKeyPem: string): string {
  return createSign('RSA-SHA256').update(message).sign(privateKeyPem, 'base64');
}

export function rsaVerify(message: string, signature: string, publicKeyPem: string): boolean {
  try {
    return createVerify('RSA-SHA256').update(message).verify(publicKeyPem, signature, 'base64');
  } catch {
    return false;
  }
}

/** The string WeChat Pay signs for responses and notifies: `timestamp\nnonce\nbody\n`. */
export function responseMessage(timestamp: string, nonce: string, body: string): string {
  return `${timestamp}\n${nonce}\n${body}\n`;
}

/** The string a merchant signs for a request: `METHOD\nurl\ntimestamp\nnonce\nbody\n`. */
export function requestMessage(method: string, url: string, timestamp: string, nonce: string, body: string): string {
  return `${method}\n${url}\n${timestamp}\n${nonce}\n${body}\n`;
}

export interface EncryptedResource {
  algorithm: 'AEAD_AES_256_GCM';
  ciphertext: string;
  nonce: string;
  associated_data: string;
}

/**
 * Encrypts a notify resource as WeChat Pay does: AES-256-GCM with the APIv3 key's bytes,
 * a 12-character nonce used as the IV, `associated_data` as AAD, and
 * `ciphertext = base64(encrypted || 16-byte tag)`.
 */
export function encryptResource(apiV3Key: string, plaintext: string, associatedData: string): EncryptedResource {
  const nonce = randomAlnum(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const encrypted = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return {
    algorithm: 'AEAD_AES_256_GCM',
    ciphertext: encrypted.toString('base64'),
    nonce,
    associated_data: associatedData,
  };
}

export interface MerchantAuthorization {
  mchid: string;
  nonce: string;
  signature: string;
  timestamp: string;
  serial: string;
}

/** Parses `WECHATPAY2-SHA256-RSA2048 mchid="…",nonce_str="…",signature="…",timestamp="…",serial_no="…"`. */
export function parseMerchantAuthorization(header: string | undefined): MerchantAuthorization | undefined {
  const m = /^WECHATPAY2-SHA256-RSA2048\s+(.*)$/.exec(header ?? '');
  if (!m) return undefined;
  const fields = new Map<string, string>();
  for (const part of m[1].matchAll(/(\w+)="([^"]*)"/g)) fields.set(part[1], part[2]);
  const get = (name: string) => fields.get(name) ?? '';
  const auth = {
    mchid: get('mchid'),
    nonce: get('nonce_str'),
    signature: get('signature'),
    timestamp: get('timestamp'),
    serial: get('serial_no'),
  };
  return Object.values(auth).every(Boolean) ? auth : undefined;
}

export function sameString(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** RFC 3339 in China Standard Time (`2026-11-02T10:34:56+08:00`), the format WeChat Pay uses. */
export function chinaTime(date: Date): string {
  const shifted = new Date(date.getTime() + 8 * 3600_000);
  return shifted.toISOString().replace(/\.\d{3}Z$/, '+08:00');
}
