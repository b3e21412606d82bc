import { NodeApiError, type IExecuteFunctions, type JsonObject } from 'n8n-workflow';

import { bodyAsBuffer, headerString, isSuccess, type FullResponse } from './http';

export interface DownloadedFile {
  data: Buffer;
  contentType?: string;
}

/** Fetches a vendor's (temporary, pre-signed) file URL; no credentials are involved. */
export async function downloadFile(ctx: IExecuteFunctions, url: string, itemIndex: number): Promise<DownloadedFile> {
  const response = (await ctx.helpers.httpRequest({
    method: 'GET',
    url,
    encoding: 'arraybuffer',
    returnFullResponse: true,
    ignoreHttpStatusErrors: true,
    timeout: 120_000,
    abortSignal: ctx.getExecutionCancelSignal(),
  })) as FullResponse;
  if (!isSuccess(response.statusCode)) {
    throw new NodeApiError(ctx.getNode(), { httpCode: String(response.statusCode), url } as JsonObject, {
      message: `Could not download the vendor file (HTTP ${response.statusCode}); vendor URLs expire, so mirror them right after the task finishes`,
      description: url,
      httpCode: String(response.statusCode),
      itemIndex,
    });
  }
  return { data: bodyAsBuffer(response.body), contentType: headerString(response.headers ?? {}, 'content-type') };
}
