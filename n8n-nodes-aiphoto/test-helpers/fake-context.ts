import http from 'http';
import https from 'https';
import { NodeApiError } from 'n8n-workflow';
import type {
  IBinaryData,
  JsonObject,
  ICredentialDataDecryptedObject,
  IDataObject,
  IExecuteFunctions,
  IHttpRequestOptions,
  INode,
  INodeExecutionData,
  IWebhookFunctions,
} from 'n8n-workflow';

import { AiPhotoAccountApi } from '../credentials/AiPhotoAccountApi.credentials';
import { AiPhotoApi } from '../credentials/AiPhotoApi.credentials';
import { RunningHubApi } from '../credentials/RunningHubApi.credentials';
import { TencentCloudApi } from '../credentials/TencentCloudApi.credentials';

/**
 * Small stand-ins for the n8n runtime: parameters, credentials and the HTTP helpers. HTTP goes
 * through node:http(s) so nock sees real requests; authentication runs the credential's own
 * `authenticate`, as n8n does, so tests exercise the signing code the runtime will use.
 */

const credentialTypes = {
  aiPhotoAccountApi: new AiPhotoAccountApi(),
  aiPhotoApi: new AiPhotoApi(),
  runningHubApi: new RunningHubApi(),
  tencentCloudApi: new TencentCloudApi(),
};

export const testNode: INode = {
  id: 'node-1',
  name: 'Node Under Test',
  type: 'n8n-nodes-aiphoto.test',
  typeVersion: 1,
  position: [0, 0],
  parameters: {},
};

export class HttpStatusError extends Error {
  constructor(readonly httpCode: number) {
    super(`HTTP ${httpCode}`);
  }
}

function toHeaderRecord(headers: IDataObject | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers ?? {})) {
    if (value !== undefined && value !== null) out[key] = String(value);
  }
  return out;
}

interface RawResponse {
  status: number;
  headers: IDataObject;
  bytes: Buffer;
}

/** node:http(s) like axios in the n8n runtime, so nock intercepts exactly what n8n would send. */
function send(
  url: URL,
  method: string,
  headers: Record<string, string>,
  body: string | Buffer | undefined,
  signal?: AbortSignal,
): Promise<RawResponse> {
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    // Like axios with `signal`: an aborted request fails at once (n8n passes `abortSignal` on).
    if (signal?.aborted) return reject(new Error('canceled'));
    const request = transport.request(url, { method, headers, signal }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: { ...response.headers } as IDataObject,
          bytes: Buffer.concat(chunks),
        }),
      );
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** Mirrors the parts of n8n's httpRequest the nodes rely on. */
export async function fakeHttpRequest(options: IHttpRequestOptions): Promise<unknown> {
  const url = new URL(options.url, options.baseURL);
  for (const [key, value] of Object.entries(options.qs ?? {})) url.searchParams.set(key, String(value));
  const headers = toHeaderRecord(options.headers);
  let body: string | Buffer | undefined;
  if (typeof options.body === 'string' || Buffer.isBuffer(options.body)) body = options.body;
  else if (options.body !== undefined && options.body !== null) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await send(
    url,
    options.method ?? 'GET',
    headers,
    body,
    options.abortSignal as AbortSignal | undefined,
  );
  let parsed: unknown = response.bytes;
  if (options.encoding !== 'arraybuffer') {
    const text = response.bytes.toString('utf8');
    const isJson = options.json || String(response.headers['content-type'] ?? '').includes('json');
    parsed = text;
    // Like axios' silent JSON parsing: a body that is not JSON stays text.
    if (isJson && text) {
      try {
        parsed = JSON.parse(text) as unknown;
      } catch {
        parsed = text;
      }
    }
  }
  if (!options.ignoreHttpStatusErrors && response.status >= 400) throw new HttpStatusError(response.status);
  if (!options.returnFullResponse) return parsed;
  return { statusCode: response.status, headers: response.headers, body: parsed };
}

/**
 * httpRequestWithAuthentication as n8n 2.8 runs it: the credential's own `authenticate`, then the
 * request; a request that fails (no answer, or an error status without ignoreHttpStatusErrors)
 * is thrown as a NodeApiError wrapping the original error, whose `code` (ECONNRESET…) becomes its
 * `httpCode`.
 */
export function fakeAuthenticatedRequest(
  credentials: Record<string, ICredentialDataDecryptedObject> | undefined,
): (type: string, request: IHttpRequestOptions) => Promise<unknown> {
  return async (type, request) => {
    const credentialType = credentialTypes[type as keyof typeof credentialTypes];
    const values = credentials?.[type];
    if (!credentialType || !values) throw new Error(`Test did not set credentials "${type}"`);
    const authenticated = await credentialType.authenticate(values, request);
    try {
      return await fakeHttpRequest(authenticated);
    } catch (error) {
      throw new NodeApiError(testNode, error as JsonObject);
    }
  };
}

export interface FakeExecuteOptions {
  /** Parameters for every item; `perItem[i]` overrides them for item i. */
  parameters: IDataObject;
  perItem?: IDataObject[];
  items?: INodeExecutionData[];
  credentials?: Record<string, ICredentialDataDecryptedObject>;
  continueOnFail?: boolean;
  binary?: { data: Buffer; meta: IBinaryData };
  /** The node's type, e.g. `n8n-nodes-aiphoto.aiPhotoTool` when it runs as an AI tool. */
  nodeType?: string;
  /** What n8n aborts when the execution is stopped. */
  cancelSignal?: AbortSignal;
  /** The execution and workflow the node runs in (n8n: numeric execution id, workflow id). */
  executionId?: string;
  workflowId?: string;
  /** The execution's custom data, as `$execution.customData` reads and writes it. */
  customData?: Record<string, string>;
}

/** `$execution.customData` over a plain record (n8n keeps it in the execution's metadata). */
function fakeCustomData(data: Record<string, string>) {
  return {
    set: (key: string, value: string) => void (data[key] = value),
    setAll: (values: Record<string, string>) => void Object.assign(data, values),
    get: (key: string) => data[key],
    getAll: () => ({ ...data }),
  };
}

export function fakeExecuteContext(options: FakeExecuteOptions): IExecuteFunctions {
  const items = options.items ?? [{ json: {} }];
  const customData = options.customData ?? {};
  const node = options.nodeType ? { ...testNode, type: options.nodeType } : testNode;
  const context = {
    getNode: () => node,
    getInputData: () => items,
    continueOnFail: () => options.continueOnFail ?? false,
    getExecutionCancelSignal: () => options.cancelSignal,
    getExecutionId: () => options.executionId ?? '',
    getWorkflow: () => ({ id: options.workflowId, name: 'Test workflow', active: true }),
    getWorkflowDataProxy: () => ({
      $execution: { id: options.executionId ?? '', customData: fakeCustomData(customData) },
    }),
    getNodeParameter(name: string, itemIndex: number, fallback?: unknown): unknown {
      const value = options.perItem?.[itemIndex]?.[name] ?? options.parameters[name];
      if (value !== undefined) return value;
      if (arguments.length >= 3) return fallback;
      throw new Error(`Test did not set parameter "${name}"`);
    },
    async getCredentials(type: string): Promise<ICredentialDataDecryptedObject> {
      const credentials = options.credentials?.[type];
      if (!credentials) throw new Error(`Test did not set credentials "${type}"`);
      return credentials;
    },
    helpers: {
      httpRequest: fakeHttpRequest,
      httpRequestWithAuthentication: fakeAuthenticatedRequest(options.credentials),
      async prepareBinaryData(data: Buffer, fileName?: string, mimeType?: string): Promise<IBinaryData> {
        return { data: data.toString('base64'), fileName, mimeType: mimeType ?? 'application/octet-stream' };
      },
      assertBinaryData(_itemIndex: number, property: string): IBinaryData {
        if (!options.binary || property !== 'data') throw new Error(`No binary data in "${property}"`);
        return options.binary.meta;
      },
      async getBinaryDataBuffer(_itemIndex: number, property: string): Promise<Buffer> {
        if (!options.binary || property !== 'data') throw new Error(`No binary data in "${property}"`);
        return options.binary.data;
      },
    },
  };
  // Only the members above are used by the nodes; the cast states that narrower contract.
  return context as unknown as IExecuteFunctions;
}

export interface RecordedResponse {
  statusCode?: number;
  body?: unknown;
}

export interface FakeWebhookOptions {
  parameters?: IDataObject;
  credentials: ICredentialDataDecryptedObject;
  headers: Record<string, string>;
  rawBody?: Buffer;
  /** Simulates a body n8n did not pre-read: the node must call readRawBody(). */
  lazyBody?: Buffer;
}

export function fakeWebhookContext(options: FakeWebhookOptions): {
  context: IWebhookFunctions;
  response: RecordedResponse;
} {
  const response: RecordedResponse = {};
  const request = {
    headers: Object.fromEntries(Object.entries(options.headers).map(([k, v]) => [k.toLowerCase(), v])),
    rawBody: options.rawBody,
    async readRawBody(): Promise<void> {
      if (options.lazyBody) request.rawBody = options.lazyBody;
    },
  };
  const res = {
    status(code: number) {
      response.statusCode = code;
      return res;
    },
    json(body: unknown) {
      response.body = body;
      return res;
    },
  };
  const context = {
    getNode: () => testNode,
    getRequestObject: () => request,
    getResponseObject: () => res,
    getNodeParameter: (name: string, fallback?: unknown) => options.parameters?.[name] ?? fallback,
    getCredentials: async () => options.credentials,
  };
  // Only the members above are used by the trigger; the cast states that narrower contract.
  return { context: context as unknown as IWebhookFunctions, response };
}

/** A nock header matcher that records the header value and accepts the request. */
export function captureHeader(into: Record<string, string>, name: string): (value: string | null) => boolean {
  return (value) => {
    into[name] = value ?? '';
    return true;
  };
}
