import { NodeApiError, type IDataObject, type IExecuteFunctions, type JsonObject } from 'n8n-workflow';

import { isTransientStatus, withRetry, type RetryPolicy } from '../common/retry';
import { describeRunningHubCode, RUNNINGHUB_RETRY_CODES } from '../common/runninghub-errors';
import { bodyAsJson, isSuccess, type FullResponse } from './http';

export interface RunningHubEnvelope {
  code: number;
  msg?: string;
  data?: unknown;
}

export interface RunningHubCallOptions {
  itemIndex: number;
  retry: RetryPolicy;
  /** Codes that are answers for this endpoint rather than errors (e.g. 804 "running" on /outputs). */
  acceptCodes?: number[];
}

function asEnvelope(body: unknown): RunningHubEnvelope | undefined {
  const parsed = bodyAsJson(body);
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const code = Number((parsed as IDataObject).code);
  if (!Number.isFinite(code)) return undefined;
  return parsed as RunningHubEnvelope;
}

async function baseUrl(ctx: IExecuteFunctions): Promise<string> {
  const credentials = await ctx.getCredentials('runningHubApi');
  return String(credentials.baseUrl || 'https://www.runninghub.cn').replace(/\/+$/, '');
}

async function send(ctx: IExecuteFunctions, path: string, body: IDataObject | Buffer, headers: IDataObject) {
  const url = `${await baseUrl(ctx)}${path}`;
  return (await ctx.helpers.httpRequestWithAuthentication.call(ctx, 'runningHubApi', {
    method: 'POST',
    url,
    body,
    headers,
    json: !Buffer.isBuffer(body),
    returnFullResponse: true,
    ignoreHttpStatusErrors: true,
    timeout: 60_000,
    // Stopping the execution in n8n abandons the request instead of waiting for RunningHub.
    abortSignal: ctx.getExecutionCancelSignal(),
  })) as FullResponse;
}

/**
 * One RunningHub API call (the credential adds `apiKey`), through `withRetry`: network errors,
 * transient HTTP answers (5xx, 429…) and RunningHub's "busy" codes (421 queue full, 415 no
 * instance) are tried again with bounded backoff; every other non-zero code becomes a
 * NodeApiError with a readable message, unless the caller accepts it as a state.
 */
export async function runningHubCall(
  ctx: IExecuteFunctions,
  path: string,
  body: IDataObject | Buffer,
  options: RunningHubCallOptions,
  headers: IDataObject = {},
): Promise<RunningHubEnvelope> {
  const { value } = await withRetry<RunningHubEnvelope>(ctx, options.retry, options.itemIndex, async (attempt) => {
    const response = await send(ctx, path, body, headers);
    const envelope = asEnvelope(response.body);
    if (!isSuccess(response.statusCode) || !envelope) {
      const error = new NodeApiError(ctx.getNode(), { httpCode: String(response.statusCode) } as JsonObject, {
        message: `RunningHub ${path} answered HTTP ${response.statusCode} without a RunningHub result`,
        httpCode: String(response.statusCode),
        itemIndex: options.itemIndex,
      });
      if (isTransientStatus(response.statusCode)) return { retry: error };
      throw error;
    }
    if (envelope.code === 0 || options.acceptCodes?.includes(envelope.code)) return { done: envelope };
    const busy = RUNNINGHUB_RETRY_CODES.has(envelope.code);
    const error = new NodeApiError(ctx.getNode(), { code: envelope.code, msg: envelope.msg ?? '' } as JsonObject, {
      message: `${describeRunningHubCode(envelope.code, envelope.msg)}${busy ? ` after ${attempt} tries` : ''}`,
      description: envelope.msg ? `RunningHub message: ${envelope.msg}` : undefined,
      itemIndex: options.itemIndex,
    });
    if (busy) return { retry: error };
    throw error;
  });
  return value;
}

/** The API key for multipart uploads, where the credential cannot add it to a JSON body. */
export async function runningHubApiKey(ctx: IExecuteFunctions): Promise<string> {
  const credentials = await ctx.getCredentials('runningHubApi');
  return String(credentials.apiKey);
}
