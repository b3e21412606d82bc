import type { Response } from 'express';
import { randomBytes } from 'node:crypto';
import { toXmlDocument } from '../xml';

/** An error COS would answer with an XML `<Error>` body (codes as in the COS docs). */
export class CosError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function cosRequestId(): string {
  return randomBytes(24).toString('base64url');
}

export function sendCosError(res: Response, err: CosError, resource: string): void {
  const requestId = cosRequestId();
  res
    .status(err.status)
    .set('Content-Type', 'application/xml')
    .set('x-cos-request-id', requestId)
    .send(
      toXmlDocument({
        Error: { Code: err.code, Message: err.message, Resource: resource, RequestId: requestId, TraceId: requestId },
      }),
    );
}
