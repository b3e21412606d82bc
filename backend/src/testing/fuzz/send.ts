import http from 'node:http';
import type { FuzzRequest } from './arbitraries';
import type { Operation } from './operations';

export interface FuzzResponse {
  status: number;
  contentType: string;
  text: string;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });

/** Sends the request byte for byte (no client-side encoding or serialisation) and reads the answer. */
export function send(baseUrl: string, req: FuzzRequest): Promise<FuzzResponse> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const outgoing = http.request(
      {
        host: url.hostname,
        port: url.port,
        method: req.method,
        path: req.target,
        agent,
        headers: { ...req.headers, ...(req.body ? { 'Content-Length': String(req.body.length) } : {}) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            contentType: String(res.headers['content-type'] ?? ''),
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

export function closeAgent(): void {
  agent.destroy();
}

/** What is wrong with an answer, or null: never a 5xx, every 4xx in the error shape, no stack trace. */
export function problemWith(op: Operation, res: FuzzResponse): string | null {
  if (res.status >= 500) return `answered ${res.status}`;
  if (/\bat .+\.(js|ts):\d+/.test(res.text)) return 'the answer carries a stack trace';
  if (res.status < 400) return null;
  // Alipay's notify protocol: the answer is the plain text `success` or `failure`.
  if (op.channelAnswers && res.text === 'failure') return null;
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    return `a ${res.status} whose body is not JSON`;
  }
  const error = (body as { error?: { code?: unknown; message?: unknown } }).error;
  if (typeof error?.code === 'string' && typeof error.message === 'string') return null;
  // WeChat Pay's notify protocol: `{code:"FAIL",message}`.
  const channel = body as { code?: unknown; message?: unknown };
  if (op.channelAnswers && channel.code === 'FAIL' && typeof channel.message === 'string') return null;
  return `a ${res.status} not in the error shape`;
}

/** A short, readable account of one exchange for a failure message. */
export function describeExchange(req: FuzzRequest, res: FuzzResponse, problem: string): string {
  const body = req.body ? req.body.subarray(0, 200).toString('latin1') : '';
  return [
    `${problem}: ${req.method} ${req.target.slice(0, 200)}`,
    `  headers ${JSON.stringify(req.headers)
      .replace(/eyJ[\w-]*\.[\w-]*\.[\w-]*/g, '<jwt>')
      .slice(0, 300)}`,
    body ? `  body (${req.body!.length} bytes) ${JSON.stringify(body)}` : '  no body',
    `  answer ${res.status} ${res.text.slice(0, 300)}`,
  ].join('\n');
}
