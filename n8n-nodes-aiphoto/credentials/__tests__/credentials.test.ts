import { request as httpRequest, type OutgoingHttpHeaders } from 'node:http';
import nock from 'nock';
import COS from 'cos-nodejs-sdk-v5';

import { verifySignedMessage } from '../../common/signature';
import { captureHeader } from '../../test-helpers/fake-context';
import { addApiKey, AiPhotoAccountApi } from '../AiPhotoAccountApi.credentials';
import { AiPhotoApi, signBackendRequest } from '../AiPhotoApi.credentials';
import { addRunningHubKey, RunningHubApi } from '../RunningHubApi.credentials';
import { signCosRequest, TencentCloudApi } from '../TencentCloudApi.credentials';

const PING = '/api/v1/internal/n8n/ping';

const cosCredentials = {
  secretId: 'AKIDtest',
  secretKey: 'keytest',
  region: 'ap-guangzhou',
  bucket: 'aiphoto-125',
  endpoint: '',
};

function authParam(authorization: string, name: string): string {
  return new URLSearchParams(authorization).get(name) ?? '';
}

describe('TencentCloudApi credential', () => {
  it('declares the fields the workflows and the installer fill in', () => {
    const names = new TencentCloudApi().properties.map((property) => property.name);
    expect(names).toEqual(['secretId', 'secretKey', 'region', 'bucket', 'endpoint']);
    expect(new TencentCloudApi().name).toBe('tencentCloudApi');
  });

  it('signs host, Pic-Operations and the query exactly as the COS SDK would', async () => {
    const picOperations = '{"is_pic_info":1,"rules":[]}';
    const signed = await signCosRequest(
      cosCredentials,
      {
        method: 'POST',
        url: 'http://127.0.0.1:9400/input/u1/a.jpg?image_process',
        headers: { 'Pic-Operations': picOperations },
      },
      1_795_000_000,
    );
    const authorization = String(signed.headers?.Authorization);
    expect(authParam(authorization, 'q-sign-time')).toBe('1794999940;1795000900');
    expect(authParam(authorization, 'q-header-list')).toBe('host;pic-operations');
    const expected = COS.getAuthorization({
      SecretId: 'AKIDtest',
      SecretKey: 'keytest',
      Method: 'POST',
      Key: 'input/u1/a.jpg',
      Query: { image_process: '' },
      Headers: { host: '127.0.0.1:9400', 'pic-operations': picOperations },
      KeyTime: '1794999940;1795000900',
    });
    expect(authorization).toBe(expected);
    expect(signed.headers?.['Pic-Operations']).toBe(picOperations);
  });

  it('leaves unsignable headers such as User-Agent out of the header list', async () => {
    const signed = await signCosRequest(cosCredentials, {
      method: 'PUT',
      url: 'https://aiphoto-125.cos.ap-guangzhou.myqcloud.com/o/01.png',
      headers: { 'Content-Type': 'image/png', 'User-Agent': 'n8n' },
    });
    expect(authParam(String(signed.headers?.Authorization), 'q-header-list')).toBe('content-type;host');
  });

  it('tests the credential with a HEAD on the bucket root', () => {
    const test = new TencentCloudApi().test;
    expect(test.request).toMatchObject({ method: 'HEAD', url: '/' });
    expect(String(test.request.baseURL)).toContain('myqcloud.com');
  });
});

describe('AiPhotoApi credential', () => {
  it('signs the exact JSON string it sends, verifiable by the receiver', async () => {
    const credentials = { baseUrl: 'http://127.0.0.1:3000', sharedSecret: 'shh' };
    const signed = await signBackendRequest(credentials, {
      method: 'POST',
      url: '/x',
      body: { taskId: 't1', event: 'done' },
    });
    expect(signed.body).toBe('{"taskId":"t1","event":"done"}');
    expect(signed.json).toBe(false);
    const headers = signed.headers as Record<string, string>;
    expect(
      verifySignedMessage({ secret: 'shh', purpose: 'callback', rawBody: String(signed.body), headers }),
    ).toMatchObject({ ok: true });
    expect(
      verifySignedMessage({ secret: 'other', purpose: 'callback', rawBody: String(signed.body), headers }),
    ).toMatchObject({
      ok: false,
    });
  });

  it('keeps a pre-serialised body byte for byte', async () => {
    const raw = '{ "taskId" : "t1" }';
    const signed = await signBackendRequest({ sharedSecret: 'shh' }, { url: '/x', body: raw });
    expect(signed.body).toBe(raw);
    expect(
      verifySignedMessage({
        secret: 'shh',
        purpose: 'callback',
        rawBody: raw,
        headers: signed.headers as Record<string, string>,
      }),
    ).toMatchObject({ ok: true });
  });

  it('tests the credential with a signed request that a wrong shared secret fails', async () => {
    const credential = new AiPhotoApi();
    expect(credential.test.request).toMatchObject({ method: 'GET', url: PING });
    expect(credential.properties.map((p) => p.name)).toEqual(['baseUrl', 'sharedSecret', 'redisUrl']);
    // The backend's ping as a stand-in: 200 when the signature verifies with its secret, else 401.
    const backend = 'http://127.0.0.1:3000';
    const headers: Record<string, string> = {};
    const names = ['x-aiphoto-timestamp', 'x-aiphoto-nonce', 'x-aiphoto-signature'];
    const ping = names
      .reduce((scope, name) => scope.matchHeader(name, captureHeader(headers, name)), nock(backend).get(PING))
      .times(2);
    ping.reply(() =>
      verifySignedMessage({ secret: 'backend-secret', purpose: 'callback', rawBody: '', headers }).ok
        ? [200, { ok: true }]
        : [401, { error: { code: 'SIGNATURE_INVALID', message: 'The signature does not match the request' } }],
    );
    // What n8n's Test button does: the credential's authenticate applied to its test request.
    const status = async (sharedSecret: string) => {
      const signed = await signBackendRequest(
        { baseUrl: backend, sharedSecret },
        { method: credential.test.request.method, url: `${backend}${credential.test.request.url}` },
      );
      return new Promise<number>((resolve, reject) => {
        const req = httpRequest(String(signed.url), { method: 'GET', headers: signed.headers as OutgoingHttpHeaders });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
        req.end();
      });
    };
    expect(await status('backend-secret')).toBe(200);
    expect(await status('a-wrong-secret')).toBe(401);
    nock.cleanAll();
  });

  it('has an optional, hidden Redis URL for queue mode (empty: the trigger remembers in its process)', () => {
    const redisUrl = new AiPhotoApi().properties.find((p) => p.name === 'redisUrl');
    expect(redisUrl).toMatchObject({ default: '', typeOptions: { password: true } });
    expect(redisUrl?.required).toBeUndefined();
  });
});

describe('RunningHubApi credential', () => {
  it('adds apiKey to JSON bodies', async () => {
    const signed = await addRunningHubKey({ apiKey: 'rh-key' }, { url: '/x', body: { taskId: '1' } });
    expect(signed.body).toEqual({ taskId: '1', apiKey: 'rh-key' });
  });

  it('leaves multipart (Buffer) bodies alone: the upload puts the key in a form field', async () => {
    const body = Buffer.from('--b--');
    const signed = await addRunningHubKey({ apiKey: 'rh-key' }, { url: '/x', body });
    expect(signed.body).toBe(body);
  });

  it('defaults the base URL to runninghub.cn and fails the test on code 802', () => {
    const credential = new RunningHubApi();
    expect(credential.properties.find((p) => p.name === 'baseUrl')?.default).toBe('https://www.runninghub.cn');
    expect(credential.test.rules?.[0]).toMatchObject({
      type: 'responseSuccessBody',
      properties: { key: 'code', value: 802 },
    });
  });
});

describe('AiPhotoAccountApi credential (merchant nodes)', () => {
  it('sends the API key as a bearer token and tests it on a route that needs a valid key', async () => {
    const credential = new AiPhotoAccountApi();
    expect(credential.name).toBe('aiPhotoAccountApi');
    expect(credential.displayName).toBe('AI Photo account');
    expect(credential.properties.map((p) => p.name)).toEqual(['baseUrl', 'apiKey']);
    expect(credential.properties[1].typeOptions).toEqual({ password: true });
    const signed = await addApiKey({ apiKey: ' ak_abc_def ' }, { url: '/api/v1/me', headers: { Accept: 'x' } });
    expect(signed.headers).toEqual({ Accept: 'x', Authorization: 'Bearer ak_abc_def' });
    expect(credential.test.request).toMatchObject({ method: 'GET', url: '/api/v1/me' });
  });
});
