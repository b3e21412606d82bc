import type { IExecuteFunctions, IDataObject } from 'n8n-workflow';

import { bodyAsJson, type FullResponse } from './http';

export interface BackendResponse {
  statusCode: number;
  body: unknown;
}

/** One POST to the AI Photo backend; the aiPhotoApi credential signs the exact body bytes. */
export async function postToBackend(ctx: IExecuteFunctions, path: string, body: IDataObject): Promise<BackendResponse> {
  const credentials = await ctx.getCredentials('aiPhotoApi');
  const base = String(credentials.baseUrl).replace(/\/+$/, '');
  const response = (await ctx.helpers.httpRequestWithAuthentication.call(ctx, 'aiPhotoApi', {
    method: 'POST',
    url: `${base}${path}`,
    body: JSON.stringify(body),
    headers: { 'Content-Type': 'application/json' },
    returnFullResponse: true,
    ignoreHttpStatusErrors: true,
    timeout: 30_000,
  })) as FullResponse;
  return { statusCode: response.statusCode, body: bodyAsJson(response.body) };
}
