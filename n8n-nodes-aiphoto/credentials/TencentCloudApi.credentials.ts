import type {
  ICredentialDataDecryptedObject,
  ICredentialTestRequest,
  ICredentialType,
  IDataObject,
  IHttpRequestOptions,
  INodeProperties,
} from 'n8n-workflow';

import { cosAuthorization, isSignableHeader } from '../common/cos-signature';

/** Signatures stay valid this long; a request is sent right after it is signed. */
const SIGNATURE_LIFETIME_SECONDS = 900;
/** Start the validity window a little early so a server clock running behind still accepts it. */
const CLOCK_LEEWAY_SECONDS = 60;

function flatten(values: IDataObject | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(values ?? {})) {
    if (value === undefined || value === null) continue;
    out[key] = String(value);
  }
  return out;
}

/**
 * Adds the COS `Authorization` header to a request. Works for any request the nodes or the
 * credential test make: host, query and the signable headers are read from the request itself,
 * so what is signed is exactly what is sent.
 */
export async function signCosRequest(
  credentials: ICredentialDataDecryptedObject,
  requestOptions: IHttpRequestOptions,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): Promise<IHttpRequestOptions> {
  const url = new URL(requestOptions.url, requestOptions.baseURL);
  const query: Record<string, string> = { ...flatten(requestOptions.qs) };
  url.searchParams.forEach((value, key) => {
    query[key] = value;
  });
  const headers = flatten(requestOptions.headers);
  const signed: Record<string, string> = { host: url.host };
  for (const [name, value] of Object.entries(headers)) {
    if (isSignableHeader(name) && name.toLowerCase() !== 'host') signed[name.toLowerCase()] = value;
  }
  const authorization = cosAuthorization({
    secretId: String(credentials.secretId),
    secretKey: String(credentials.secretKey),
    method: requestOptions.method ?? 'GET',
    pathname: decodeURIComponent(url.pathname),
    query,
    headers: signed,
    startTime: nowSeconds - CLOCK_LEEWAY_SECONDS,
    endTime: nowSeconds + SIGNATURE_LIFETIME_SECONDS,
  });
  return { ...requestOptions, headers: { ...requestOptions.headers, Authorization: authorization } };
}

export class TencentCloudApi implements ICredentialType {
  name = 'tencentCloudApi';

  displayName = 'Tencent Cloud COS / CI API';

  icon = { light: 'file:../icons/tencentCloud.svg', dark: 'file:../icons/tencentCloud.dark.svg' } as const;

  documentationUrl = 'https://cloud.tencent.com/document/product/436/7778';

  properties: INodeProperties[] = [
    {
      displayName: 'SecretId',
      name: 'secretId',
      type: 'string',
      default: '',
      required: true,
      description: 'API key SecretId (CAM). Use a sub-account limited to the one bucket.',
    },
    {
      displayName: 'SecretKey',
      name: 'secretKey',
      type: 'string',
      typeOptions: { password: true },
      default: '',
      required: true,
    },
    {
      displayName: 'Region',
      name: 'region',
      type: 'string',
      default: 'ap-guangzhou',
      required: true,
      description: 'Bucket region, e.g. ap-guangzhou or ap-shanghai',
    },
    {
      displayName: 'Bucket',
      name: 'bucket',
      type: 'string',
      default: '',
      placeholder: 'aiphoto-1250000000',
      required: true,
      description: 'Bucket name including the APPID suffix',
    },
    {
      displayName: 'Endpoint',
      name: 'endpoint',
      type: 'string',
      default: '',
      placeholder: 'http://127.0.0.1:9400',
      description:
        'Only for the local sandbox: requests then go to <endpoint>/<key> instead of https://<bucket>.cos.<region>.myqcloud.com/<key>. Leave empty for Tencent Cloud.',
    },
  ];

  authenticate = signCosRequest;

  // HEAD on the bucket root (HeadBucket) proves the keys, the bucket name and the region at once.
  test: ICredentialTestRequest = {
    request: {
      method: 'HEAD',
      baseURL:
        '={{ $credentials.endpoint ? $credentials.endpoint.replace(/\\/+$/, "") : "https://" + $credentials.bucket + ".cos." + $credentials.region + ".myqcloud.com" }}',
      url: '/',
    },
  };
}
