// The official COS SDK is the independent oracle: a devDependency, never shipped.
import COS from 'cos-nodejs-sdk-v5';

import { cosAuthorization, cosEncode } from '../cos-signature';

const base = {
  secretId: 'AKIDexampleSecretId',
  secretKey: 'exampleSecretKey',
  startTime: 1_795_000_000,
  endTime: 1_795_000_900,
};

function sdkAuthorization(
  method: 'GET' | 'POST' | 'PUT',
  key: string,
  query: Record<string, string>,
  headers: Record<string, string>,
) {
  return COS.getAuthorization({
    SecretId: base.secretId,
    SecretKey: base.secretKey,
    Method: method,
    Key: key,
    Query: query,
    Headers: headers,
    KeyTime: `${base.startTime};${base.endTime}`,
  });
}

describe('cosAuthorization (q-sign-algorithm=sha1)', () => {
  it('matches the COS SDK for a persistent-processing POST with Pic-Operations and host signed', () => {
    const headers = {
      host: '127.0.0.1:9400',
      'pic-operations':
        '{"is_pic_info":1,"rules":[{"fileid":"/output/u1/t1/main.jpg","rule":"imageMogr2/auto-orient"}]}',
    };
    const ours = cosAuthorization({
      ...base,
      method: 'POST',
      pathname: '/input/u1/abc.jpg',
      query: { image_process: '' },
      headers,
    });
    expect(ours).toBe(sdkAuthorization('POST', 'input/u1/abc.jpg', { image_process: '' }, headers));
    expect(ours).toContain('q-header-list=host;pic-operations');
    expect(ours).toContain('q-url-param-list=image_process');
  });

  it('matches the COS SDK for a PUT with content type and a key needing encoding', () => {
    const headers = { host: 'bucket-125.cos.ap-guangzhou.myqcloud.com', 'content-type': 'image/png' };
    const key = 'output/u 1/t(1)/01.png';
    const ours = cosAuthorization({ ...base, method: 'PUT', pathname: `/${key}`, query: {}, headers });
    expect(ours).toBe(sdkAuthorization('PUT', key, {}, headers));
  });

  it('sorts several query parameters like the SDK', () => {
    const headers = { host: 'h' };
    const query = { 'ci-process': 'GoodsMatting', 'center-layout': '1' };
    expect(cosAuthorization({ ...base, method: 'GET', pathname: '/a.jpg', query, headers })).toBe(
      sdkAuthorization('GET', 'a.jpg', query, headers),
    );
  });

  it('encodes the characters encodeURIComponent leaves alone', () => {
    expect(cosEncode("a!b'c(d)e*f")).toBe('a%21b%27c%28d%29e%2Af');
  });
});
