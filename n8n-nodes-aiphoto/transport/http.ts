import type { IDataObject } from 'n8n-workflow';

/** What `httpRequest` returns with `returnFullResponse: true`. */
export interface FullResponse {
  statusCode: number;
  headers: IDataObject;
  body: unknown;
}

export function isFullResponse(value: unknown): value is FullResponse {
  return typeof value === 'object' && value !== null && typeof (value as FullResponse).statusCode === 'number';
}

/** Response bodies arrive as Buffer, ArrayBuffer or string depending on encoding and runtime. */
export function bodyAsBuffer(body: unknown): Buffer {
  if (Buffer.isBuffer(body)) return body;
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body === undefined || body === null) return Buffer.alloc(0);
  return Buffer.from(JSON.stringify(body), 'utf8');
}

/** JSON bodies arrive parsed or as text depending on the response's content type. */
export function bodyAsJson(body: unknown): unknown {
  if (typeof body === 'object' && body !== null && !Buffer.isBuffer(body) && !ArrayBuffer.isView(body)) return body;
  const text = bodyAsBuffer(body).toString('utf8').trim();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export function headerString(headers: IDataObject, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? String(value[0]) : String(value);
  }
  return undefined;
}

export function isSuccess(statusCode: number): boolean {
  return statusCode >= 200 && statusCode < 300;
}
