import { generateKeyPairSync } from 'node:crypto';
import { Aes, Formatter, Rsa } from 'wechatpay-axios-plugin';
import {
  chinaTime,
  encryptResource,
  parseMerchantAuthorization,
  requestMessage,
  responseMessage,
  rsaSign,
  rsaVerify,
} from '../wechatpay-crypto';

const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
  privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
  publicKeyEncoding: { type: 'spki', format: 'pem' },
});

describe('WeChat Pay v3 crypto', () => {
  it('encrypts a resource that the merchant SDK decrypts with the APIv3 key', () => {
    const key = 'abcdefghijklmnopqrstuvwxyz012345';
    const resource = encryptResource(key, '{"out_trade_no":"AP1"}', 'transaction');
    expect(resource.algorithm).toBe('AEAD_AES_256_GCM');
    expect(resource.nonce).toMatch(/^[A-Za-z0-9]{12}$/);
    // ciphertext = encrypted bytes || 16-byte tag
    expect(Buffer.from(resource.ciphertext, 'base64').length).toBe('{"out_trade_no":"AP1"}'.length + 16);
    expect(Aes.AesGcm.decrypt(resource.ciphertext, key, resource.nonce, 'transaction')).toBe('{"out_trade_no":"AP1"}');
    expect(() => Aes.AesGcm.decrypt(resource.ciphertext, key, resource.nonce, 'other-aad')).toThrow();
  });

  it('signs `timestamp\\nnonce\\nbody\\n` the way the SDK verifies it', () => {
    const signature = rsaSign(responseMessage('1700000000', 'n0nce', '{"a":1}'), privateKey);
    expect(Rsa.verify(Formatter.response('1700000000', 'n0nce', '{"a":1}'), signature, publicKey)).toBe(true);
    expect(rsaVerify(responseMessage('1700000000', 'n0nce', '{"a":2}'), signature, publicKey)).toBe(false);
    expect(rsaVerify('x', 'not base64 signature', publicKey)).toBe(false);
  });

  it('parses the merchant Authorization header the SDK builds and verifies its request signature', () => {
    const message = Formatter.request(
      'GET',
      '/v3/pay/transactions/out-trade-no/AP1?mchid=1900000001',
      '1700000000',
      'abc',
      '',
    );
    expect(message).toBe(
      requestMessage('GET', '/v3/pay/transactions/out-trade-no/AP1?mchid=1900000001', '1700000000', 'abc', ''),
    );
    const signature = Rsa.sign(message, privateKey);
    const header = Formatter.authorization('1900000001', 'abc', signature, '1700000000', 'SERIAL1');
    expect(parseMerchantAuthorization(header)).toEqual({
      mchid: '1900000001',
      nonce: 'abc',
      signature,
      timestamp: '1700000000',
      serial: 'SERIAL1',
    });
    expect(rsaVerify(message, signature, publicKey)).toBe(true);
    expect(parseMerchantAuthorization('Bearer x')).toBeUndefined();
    expect(parseMerchantAuthorization('WECHATPAY2-SHA256-RSA2048 mchid="1"')).toBeUndefined();
  });

  it('formats times as RFC 3339 in China Standard Time', () => {
    expect(chinaTime(new Date('2026-11-02T02:34:56.789Z'))).toBe('2026-11-02T10:34:56+08:00');
  });
});
