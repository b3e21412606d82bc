import { NodeApiError, type INode, type JsonObject } from 'n8n-workflow';

import { xmlText } from './xml';

/** COS/CI error codes an operator can act on, with what to do about them. */
const READABLE: Record<string, string> = {
  NoSuchKey: 'The object does not exist in the bucket (check the input key)',
  NoSuchBucket: 'The bucket does not exist (check bucket name and region in the Tencent Cloud credential)',
  AccessDenied: 'Tencent Cloud denied access (check the SecretId/SecretKey permissions on this bucket)',
  InvalidAccessKeyId: 'The SecretId is not known to Tencent Cloud (check the credential)',
  SignatureDoesNotMatch: 'Tencent Cloud rejected the request signature (check the SecretKey in the credential)',
  RequestTimeTooSkewed: "This server's clock is too far from Tencent Cloud's; sync the clock (NTP)",
  InvalidArgument: 'Tencent CI rejected the processing rule or its parameters',
  InvalidImageFormat: 'The input is not an image format Tencent CI can process',
  ImageTooLarge: 'The input image is too large for Tencent CI (limit about 32 MB)',
  EntityTooLarge: 'The object is too large for this request',
  SlowDown: 'Tencent CI is rate limiting (about 100 requests/s for persistent processing); try again shortly',
  ServiceUnavailable: 'Tencent Cloud is temporarily unavailable; try again shortly',
  InternalError: 'Tencent Cloud had an internal error; try again shortly',
};

export interface CosErrorDetails {
  code: string;
  message: string;
  requestId?: string;
}

export function parseCosError(xml: string): CosErrorDetails | undefined {
  if (!/<Error[\s>]/.test(xml)) return undefined;
  return {
    code: xmlText(xml, 'Code') ?? 'Unknown',
    message: xmlText(xml, 'Message') ?? '',
    requestId: xmlText(xml, 'RequestId'),
  };
}

/** Builds the NodeApiError for a failed COS/CI answer; `action` says what we were doing. */
export function cosApiError(
  node: INode,
  statusCode: number,
  body: Buffer,
  action: string,
  itemIndex: number,
): NodeApiError {
  const details = parseCosError(body.toString('utf8'));
  const code = details?.code ?? `HTTP ${statusCode}`;
  const readable = (details && READABLE[details.code]) ?? details?.message ?? `HTTP ${statusCode} from Tencent Cloud`;
  const response: JsonObject = {
    httpCode: String(statusCode),
    code,
    message: details?.message ?? '',
    requestId: details?.requestId ?? null,
  };
  return new NodeApiError(node, response, {
    message: `${action} failed: ${readable}`,
    description: details
      ? `Tencent Cloud error ${details.code}: ${details.message}${details.requestId ? ` (request ${details.requestId})` : ''}`
      : undefined,
    httpCode: String(statusCode),
    itemIndex,
  });
}
