import COS from 'cos-nodejs-sdk-v5';
import { isHeaderSigned, verifyCosSignature, type SignedRequest } from '../cos-auth';

const creds = { secretId: 'AKIDunit', secretKey: 'unit-secret' };
const now = 1_800_000_000;

function signedRequest(
  overrides: { keyTime?: string; secretKey?: string; signedHeaders?: Record<string, string> } = {},
): SignedRequest {
  const headers = overrides.signedHeaders ?? { host: '127.0.0.1:9400', 'pic-operations': '{"rules":[]}' };
  const authorization = COS.getAuthorization({
    SecretId: creds.secretId,
    SecretKey: overrides.secretKey ?? creds.secretKey,
    Method: 'post',
    Pathname: '/input/u1/a b.jpg',
    Query: { image_process: '' },
    Headers: headers,
    KeyTime: overrides.keyTime ?? `${now - 10};${now + 900}`,
  });
  return {
    method: 'POST',
    pathname: '/input/u1/a b.jpg',
    headers: { host: '127.0.0.1:9400', 'pic-operations': '{"rules":[]}', authorization },
    query: new URLSearchParams('image_process'),
  };
}

describe('verifyCosSignature', () => {
  it('accepts what the SDK signs (header, path with spaces, action parameter)', () => {
    expect(() => verifyCosSignature(signedRequest(), creds, now)).not.toThrow();
  });

  it('rejects a different secret key, a changed header and a changed path as SignatureDoesNotMatch', () => {
    const mismatch = expect.objectContaining({ status: 403, code: 'SignatureDoesNotMatch' });
    expect(() => verifyCosSignature(signedRequest({ secretKey: 'other' }), creds, now)).toThrow(mismatch);
    const changedHeader = signedRequest();
    changedHeader.headers['pic-operations'] = '{"rules":[{"fileid":"x","rule":"y"}]}';
    expect(() => verifyCosSignature(changedHeader, creds, now)).toThrow(mismatch);
    expect(() => verifyCosSignature({ ...signedRequest(), pathname: '/input/u2/a b.jpg' }, creds, now)).toThrow(
      mismatch,
    );
  });

  it('rejects expired and not-yet-valid signatures as AccessDenied', () => {
    const denied = expect.objectContaining({ status: 403, code: 'AccessDenied' });
    expect(() => verifyCosSignature(signedRequest({ keyTime: `${now - 1000};${now - 1}` }), creds, now)).toThrow(
      denied,
    );
    expect(() => verifyCosSignature(signedRequest({ keyTime: `${now + 600};${now + 900}` }), creds, now)).toThrow(
      denied,
    );
  });

  it('rejects unsigned requests and unknown access keys', () => {
    const unsigned: SignedRequest = { method: 'GET', pathname: '/a', headers: {}, query: new URLSearchParams() };
    expect(() => verifyCosSignature(unsigned, creds, now)).toThrow(expect.objectContaining({ code: 'AccessDenied' }));
    expect(() => verifyCosSignature(signedRequest(), { ...creds, secretId: 'AKIDother' }, now)).toThrow(
      expect.objectContaining({ code: 'InvalidAccessKeyId' }),
    );
  });

  it('verifies signed-URL query parameters the same way', () => {
    const auth = COS.getAuthorization({
      SecretId: creds.secretId,
      SecretKey: creds.secretKey,
      Method: 'get',
      Pathname: '/o.jpg',
      KeyTime: `${now};${now + 60}`,
    });
    const req: SignedRequest = { method: 'GET', pathname: '/o.jpg', headers: {}, query: new URLSearchParams(auth) };
    expect(() => verifyCosSignature(req, creds, now)).not.toThrow();
  });

  it('tells whether a header took part in the signature', () => {
    expect(isHeaderSigned(signedRequest(), 'Pic-Operations')).toBe(true);
    expect(isHeaderSigned(signedRequest({ signedHeaders: { host: '127.0.0.1:9400' } }), 'pic-operations')).toBe(false);
  });
});
