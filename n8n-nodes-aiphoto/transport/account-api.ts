import {
  NodeApiError,
  type IDataObject,
  type IExecuteFunctions,
  type IHookFunctions,
  type IHttpRequestMethods,
  type ILoadOptionsFunctions,
  type JsonObject,
} from 'n8n-workflow';

import { bodyAsBuffer, bodyAsJson, headerString, isSuccess, type FullResponse } from './http';

/** The merchant credential ("AI Photo account": base URL + API key). */
export const ACCOUNT_CREDENTIAL = 'aiPhotoAccountApi';

export type AccountContext = IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions;

export interface AccountCall {
  method: IHttpRequestMethods;
  /** Below the base URL, e.g. `/api/v1/tasks`. */
  path: string;
  body?: IDataObject | Buffer;
  qs?: IDataObject;
  headers?: IDataObject;
  /** Answer the raw bytes (ZIP downloads) instead of parsed JSON. */
  binary?: boolean;
  itemIndex?: number;
}

/** What to do about an API error code, in the words of someone running a workflow. */
const HINTS: Record<string, string> = {
  INVALID_API_KEY: 'Check the API key of the "AI Photo account" credential (Developer page of the portal).',
  UNAUTHORIZED: 'Check the API key of the "AI Photo account" credential (Developer page of the portal).',
  MEMBERSHIP_REQUIRED: 'The account has no active membership: buy or renew it in the portal.',
  QUOTA_EXHAUSTED: 'No credits left: renew the membership in the portal.',
  RATE_LIMITED: 'Too many requests: wait and run again (the answer said when).',
  URL_PRIVATE: 'AI Photo only fetches images from public addresses.',
  URL_FETCH_FAILED: 'AI Photo could not download the image: check that the URL is public and answers an image.',
  UNSUPPORTED_MEDIA_TYPE: 'Only JPEG, PNG and WebP images are accepted.',
  PAYLOAD_TOO_LARGE: 'The image is larger than AI Photo accepts.',
  WEBHOOK_LIMIT: 'The account has the most webhooks allowed: delete unused ones on the Developer page.',
};

export async function baseUrlOf(ctx: AccountContext): Promise<string> {
  const credentials = await ctx.getCredentials(ACCOUNT_CREDENTIAL);
  return String(credentials.baseUrl ?? '').replace(/\/+$/, '');
}

/**
 * One call to the AI Photo API with the account's key. Non-2xx answers become a NodeApiError
 * whose message carries the API's own error code, e.g. "No credits left (QUOTA_EXHAUSTED)".
 */
export async function accountRequest<T = unknown>(ctx: AccountContext, call: AccountCall): Promise<T> {
  const base = await baseUrlOf(ctx);
  const response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, ACCOUNT_CREDENTIAL, {
    method: call.method,
    url: `${base}${call.path}`,
    qs: call.qs,
    headers: { Accept: call.binary ? '*/*' : 'application/json', ...call.headers },
    body: call.body,
    json: !Buffer.isBuffer(call.body) && !call.binary,
    encoding: call.binary ? 'arraybuffer' : undefined,
    returnFullResponse: true,
    ignoreHttpStatusErrors: true,
    timeout: 60_000,
  })) as FullResponse;
  if (!isSuccess(response.statusCode)) throw apiError(ctx, response, call);
  return (call.binary ? bodyAsBuffer(response.body) : bodyAsJson(response.body)) as T;
}

function apiError(ctx: AccountContext, response: FullResponse, call: AccountCall): NodeApiError {
  const body = bodyAsJson(response.body);
  const error = (body as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
  const code = typeof error?.code === 'string' ? error.code : `HTTP_${response.statusCode}`;
  const message = typeof error?.message === 'string' ? error.message : `AI Photo answered ${response.statusCode}`;
  const retryAfter = headerString(response.headers, 'retry-after');
  const hint = HINTS[code] ?? `${call.method} ${call.path} answered ${response.statusCode}.`;
  return new NodeApiError(ctx.getNode(), { code, message, status: response.statusCode } as JsonObject, {
    message: `${message} (${code})`,
    description: retryAfter ? `${hint} Retry after ${retryAfter} s.` : hint,
    httpCode: String(response.statusCode),
    itemIndex: call.itemIndex,
  });
}
