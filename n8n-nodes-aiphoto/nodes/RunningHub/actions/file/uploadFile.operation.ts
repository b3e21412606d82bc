import { randomBytes } from 'crypto';
import {
  NodeApiError,
  NodeOperationError,
  type IDataObject,
  type IExecuteFunctions,
  type INodeProperties,
  type JsonObject,
} from 'n8n-workflow';

import { runningHubApiKey, runningHubCall } from '../../../../transport/runninghub';
import { retryPolicy } from '../common';

const show = { show: { resource: ['file'], operation: ['uploadFile'] } };

/** RunningHub's upload limit; checked here so the operator sees why before a 30 MB round trip. */
export const MAX_UPLOAD_BYTES = 30 * 1024 * 1024;

export const description: INodeProperties[] = [
  {
    displayName: 'Input Binary Field',
    name: 'binaryPropertyName',
    type: 'string',
    default: 'data',
    required: true,
    displayOptions: show,
    description: 'Name of the binary field holding the file to upload',
  },
];

export interface MultipartPart {
  name: string;
  value: string | Buffer;
  fileName?: string;
  contentType?: string;
}

/**
 * A multipart/form-data body built by hand: exact bytes, no form-data dependency, and
 * no reliance on how the runtime's HTTP client treats FormData objects.
 */
export function buildMultipart(parts: MultipartPart[], boundary: string): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const quotedName = part.name.replace(/"/g, '%22');
    let head = `--${boundary}\r\nContent-Disposition: form-data; name="${quotedName}"`;
    if (part.fileName !== undefined) head += `; filename="${part.fileName.replace(/"/g, '%22')}"`;
    head += '\r\n';
    if (part.contentType) head += `Content-Type: ${part.contentType}\r\n`;
    chunks.push(Buffer.from(`${head}\r\n`, 'utf8'));
    chunks.push(typeof part.value === 'string' ? Buffer.from(part.value, 'utf8') : part.value);
    chunks.push(Buffer.from('\r\n', 'utf8'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`, 'utf8'));
  return Buffer.concat(chunks);
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const property = this.getNodeParameter('binaryPropertyName', itemIndex) as string;
  const binary = this.helpers.assertBinaryData(itemIndex, property);
  const data = await this.helpers.getBinaryDataBuffer(itemIndex, property);
  if (data.length > MAX_UPLOAD_BYTES) {
    throw new NodeOperationError(this.getNode(), `The file is ${data.length} bytes; RunningHub accepts 30 MB at most`, {
      itemIndex,
      description: 'Pass a signed URL as the image instead of uploading large files.',
    });
  }
  const boundary = `----aiphoto${randomBytes(12).toString('hex')}`;
  const body = buildMultipart(
    [
      { name: 'apiKey', value: await runningHubApiKey(this) },
      { name: 'fileType', value: 'input' },
      {
        name: 'file',
        value: data,
        fileName: binary.fileName ?? 'upload.bin',
        contentType: binary.mimeType || 'application/octet-stream',
      },
    ],
    boundary,
  );
  const envelope = await runningHubCall(
    this,
    '/task/openapi/upload',
    body,
    { itemIndex, retry: retryPolicy(this, itemIndex) },
    { 'Content-Type': `multipart/form-data; boundary=${boundary}` },
  );
  const fileName = (envelope.data as IDataObject | undefined)?.fileName;
  if (typeof fileName !== 'string' || !fileName) {
    throw new NodeApiError(this.getNode(), envelope as unknown as JsonObject, {
      message: 'RunningHub accepted the upload but returned no fileName',
      itemIndex,
    });
  }
  return { fileName, size: data.length };
}
