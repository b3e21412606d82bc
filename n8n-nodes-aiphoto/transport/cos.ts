import type { IDataObject, IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';

import { cosBaseUrl, cosObjectPath } from '../common/cos-url';
import { bodyAsBuffer, type FullResponse } from './http';

export interface CosRequest {
  method: IHttpRequestMethods;
  key: string;
  /** Raw query string without "?", e.g. "image_process" (COS action parameters have no value). */
  query?: string;
  headers?: IDataObject;
  body?: Buffer;
}

export interface CosResponse {
  statusCode: number;
  headers: IDataObject;
  body: Buffer;
}

/**
 * One signed request to COS/CI. Status codes are returned, not thrown, so callers can map
 * COS error XML to operator-readable messages (see cos-errors.ts).
 */
export async function cosRequest(ctx: IExecuteFunctions, request: CosRequest): Promise<CosResponse> {
  const credentials = await ctx.getCredentials('tencentCloudApi');
  const url = `${cosBaseUrl(credentials)}${cosObjectPath(request.key)}${request.query ? `?${request.query}` : ''}`;
  const response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, 'tencentCloudApi', {
    method: request.method,
    url,
    headers: request.headers ?? {},
    body: request.body,
    encoding: 'arraybuffer',
    returnFullResponse: true,
    ignoreHttpStatusErrors: true,
    // COS answers persistent processing within seconds; a hung socket must not hold the task.
    timeout: 60_000,
    // A stopped execution writes nothing more to the bucket.
    abortSignal: ctx.getExecutionCancelSignal(),
  })) as FullResponse;
  return { statusCode: response.statusCode, headers: response.headers ?? {}, body: bodyAsBuffer(response.body) };
}
