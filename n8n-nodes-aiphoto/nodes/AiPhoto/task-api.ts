import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { accountRequest } from '../../transport/account-api';

/** The Task of the AI Photo API (GET /api/v1/tasks/:id), as far as the node reads it. */
export interface Task extends IDataObject {
  id: string;
  type: string;
  status: 'queued' | 'processing' | 'done' | 'failed' | 'canceled';
  resultUrls: string[];
  /** The upload's original file name (null when unknown; absent from older backends). */
  inputName?: string | null;
  errorCode: string | null;
  errorReason: string | null;
}

export const FINISHED: ReadonlySet<Task['status']> = new Set(['done', 'failed', 'canceled']);

export function getTask(ctx: IExecuteFunctions, taskId: string, itemIndex: number): Promise<Task> {
  return accountRequest<Task>(ctx, { method: 'GET', path: `/api/v1/tasks/${encodeURIComponent(taskId)}`, itemIndex });
}

/** Upload answer (`POST /api/v1/uploads`, `/uploads/from-url`). */
interface Upload {
  key: string;
}

export async function uploadFromUrl(ctx: IExecuteFunctions, url: string, itemIndex: number): Promise<string> {
  return (
    await accountRequest<Upload>(ctx, { method: 'POST', path: '/api/v1/uploads/from-url', body: { url }, itemIndex })
  ).key;
}

/**
 * `POST /api/v1/uploads` with one multipart `file`. Built by hand: the package has no runtime
 * dependencies, and a Buffer body goes out byte for byte.
 */
export async function uploadBytes(
  ctx: IExecuteFunctions,
  bytes: Buffer,
  file: { name: string; mimeType: string },
  itemIndex: number,
): Promise<string> {
  const boundary = `aiphoto${Date.now().toString(16)}${Math.random().toString(16).slice(2)}`;
  const safeName = file.name.replace(/["\r\n]/g, '_');
  const body = Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${safeName}"\r\nContent-Type: ${file.mimeType}\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const answer = await accountRequest<Upload>(ctx, {
    method: 'POST',
    path: '/api/v1/uploads',
    body,
    headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
    itemIndex,
  });
  return answer.key;
}
