import { NodeApiError, type IExecuteFunctions, type JsonObject } from 'n8n-workflow';

import { cosApiError } from '../../../../common/cos-errors';
import { xmlBlocks, xmlText } from '../../../../common/xml';
import { cosRequest } from '../../../../transport/cos';

export interface PicRule {
  /** Absolute output key, starting with "/". */
  fileid: string;
  rule: string;
}

export interface ProcessedObject {
  key: string;
  location?: string;
  format?: string;
  width: number;
  height: number;
  size: number;
}

function num(value: string | undefined): number {
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : 0;
}

/** ProcessResults.Object is one element per rule; with one rule it is still one element. */
export function parseUploadResult(xml: string): ProcessedObject[] {
  const [processResults] = xmlBlocks(xml, 'ProcessResults');
  if (processResults === undefined) return [];
  return xmlBlocks(processResults, 'Object').map((object) => ({
    key: (xmlText(object, 'Key') ?? '').replace(/^\/+/, ''),
    location: xmlText(object, 'Location'),
    format: xmlText(object, 'Format'),
    width: num(xmlText(object, 'Width')),
    height: num(xmlText(object, 'Height')),
    size: num(xmlText(object, 'Size')),
  }));
}

/** The Pic-Operations header value; key order matters to nobody but keeps it readable in logs. */
export function picOperationsHeader(rules: PicRule[]): string {
  return JSON.stringify({ is_pic_info: 1, rules: rules.map(({ fileid, rule }) => ({ fileid, rule })) });
}

/**
 * Persistent processing of a stored object: `POST /<inputKey>?image_process` with the rules
 * in the signed Pic-Operations header. Results are written by CI to the rules' fileids.
 */
export async function runPicOperations(
  ctx: IExecuteFunctions,
  inputKey: string,
  rules: PicRule[],
  itemIndex: number,
): Promise<ProcessedObject[]> {
  const response = await cosRequest(ctx, {
    method: 'POST',
    key: inputKey,
    query: 'image_process',
    headers: { 'Pic-Operations': picOperationsHeader(rules) },
  });
  if (response.statusCode < 200 || response.statusCode >= 300) {
    throw cosApiError(
      ctx.getNode(),
      response.statusCode,
      response.body,
      `Tencent CI processing of ${inputKey}`,
      itemIndex,
    );
  }
  const objects = parseUploadResult(response.body.toString('utf8'));
  if (objects.length === 0) {
    throw new NodeApiError(ctx.getNode(), { httpCode: String(response.statusCode) } as JsonObject, {
      message: `Tencent CI accepted ${inputKey} but reported no processed image`,
      description: 'The answer had no UploadResult.ProcessResults.Object; check the rule and the bucket’s CI binding.',
      itemIndex,
    });
  }
  return objects;
}

/** Object keys are stored without a leading slash; CI wants fileids with one. */
export function absoluteFileId(key: string): string {
  return `/${key.replace(/^\/+/, '')}`;
}
