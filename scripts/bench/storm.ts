/**
 * A storm: N connections opened at once, ONE request on each, every answer's status and latency
 * recorded (`npm run bench`, the 1,000 concurrent creates and their bare ceiling).
 *
 * autocannon is built for sustained keep-alive load: per connection it keeps a client object, a
 * request builder, an HTTP parser and timers, and it opens its connections as it sets them up. For a
 * one-shot storm of 1,000 connections that set-up, not the server, was most of the wall time (the
 * bare `node:http` server answering a constant took ~2.1 s from it on a quiet machine). Here the
 * request is encoded once, all connections are started in one synchronous loop, each writes the same
 * bytes as soon as it is connected, and the answer is read just far enough to know its status and
 * its end (`content-length`, `chunked` or the server closing). Raw `node:net`, because the point is
 * to keep the generator's own work per request to a socket, a write and a few buffer scans.
 *
 * Wall time runs from the first connect to the last answer (or error). A latency runs from the
 * start of its connection to the end of its answer: what a client of the storm waits.
 * A connection closed or reset before its answer ended counts under `error`, one still unanswered
 * at the deadline under `timeout`.
 */
import { connect, type Socket } from 'node:net';
import { latencyOf, type Latency } from './load';

export interface StormOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  /** Connections, one request each. */
  connections: number;
  /** When everything still open is given up (counted as `timeout`); default 30 s. */
  timeoutMs?: number;
}

export interface StormResult extends Latency {
  /** Requests answered (whatever the status). */
  requests: number;
  /** First connect to last answer. */
  seconds: number;
  /** Answers by status code; `error` (reset, closed early, refused) and `timeout`. */
  statuses: Record<string, number>;
  /** The errors by cause: a socket error's code (`ECONNRESET`…), `closed early`, `malformed`. */
  errors: Record<string, number>;
}

/** The request's bytes, once: `connection: close`, since each connection carries one request. */
export function encodeRequest(options: Pick<StormOptions, 'url' | 'method' | 'headers' | 'body'>): Buffer {
  const url = new URL(options.url);
  const body = Buffer.from(options.body ?? '');
  const headers: Record<string, string> = {
    host: url.host,
    ...Object.fromEntries(Object.entries(options.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v])),
    connection: 'close',
  };
  if (body.length || options.method === 'POST') headers['content-length'] = String(body.length);
  const head =
    `${options.method ?? 'GET'} ${url.pathname}${url.search} HTTP/1.1\r\n` +
    Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('') +
    '\r\n';
  return Buffer.concat([Buffer.from(head, 'latin1'), body]);
}

const HEAD_END = Buffer.from('\r\n\r\n');
const CHUNKED_END = Buffer.from('0\r\n\r\n');

/**
 * Reads one HTTP/1.1 answer from the bytes received so far: its status once the head is in,
 * and whether it is complete. `undefined` complete means "ends when the server closes".
 */
export function readAnswer(received: Buffer): { status?: number; complete?: boolean } {
  const headEnd = received.indexOf(HEAD_END);
  if (headEnd < 0) return {};
  const head = received.subarray(0, headEnd).toString('latin1');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1]);
  if (!status) return { status: NaN, complete: true };
  const bodyBytes = received.length - headEnd - HEAD_END.length;
  const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
  if (length) return { status, complete: bodyBytes >= Number(length[1]) };
  if (/\r\ntransfer-encoding:[^\r]*chunked/i.test(head)) {
    return {
      status,
      complete: bodyBytes >= CHUNKED_END.length && received.subarray(-CHUNKED_END.length).equals(CHUNKED_END),
    };
  }
  if (status === 204 || status === 304) return { status, complete: true };
  return { status, complete: undefined };
}

export function runStorm(options: StormOptions): Promise<StormResult> {
  const url = new URL(options.url);
  if (url.protocol !== 'http:') throw new Error(`storm: only http:// (${options.url})`);
  const request = encodeRequest(options);
  const port = Number(url.port || 80);
  const host = url.hostname;
  const statuses: Record<string, number> = {};
  const errors: Record<string, number> = {};
  const latencies: number[] = [];
  const open = new Set<Socket>();
  let pending = options.connections;
  let last = 0;

  return new Promise<StormResult>((resolve) => {
    const started = performance.now();
    const count = (key: string) => {
      statuses[key] = (statuses[key] ?? 0) + 1;
      last = performance.now();
      pending -= 1;
      if (pending === 0) finish();
    };
    const deadline = setTimeout(() => {
      for (const socket of open) {
        socket.destroy();
        statuses.timeout = (statuses.timeout ?? 0) + 1;
      }
      open.clear();
      pending = 0;
      last = performance.now();
      finish();
    }, options.timeoutMs ?? 30_000);
    function finish() {
      clearTimeout(deadline);
      const requests = latencies.length;
      resolve({ requests, seconds: (last - started) / 1000, statuses, errors, ...latencyOf(latencies) });
    }

    for (let i = 0; i < options.connections; i++) {
      const begun = performance.now();
      const socket = connect({ host, port, noDelay: true });
      open.add(socket);
      let received: Buffer = Buffer.alloc(0);
      let done = false;
      const settle = (key: string, cause?: string) => {
        if (done || !open.has(socket)) return;
        done = true;
        open.delete(socket);
        socket.destroy();
        if (cause === undefined) latencies.push(performance.now() - begun);
        else errors[cause] = (errors[cause] ?? 0) + 1;
        count(key);
      };
      socket.once('connect', () => socket.write(request));
      socket.on('data', (chunk: Buffer) => {
        received = received.length ? Buffer.concat([received, chunk]) : chunk;
        const answer = readAnswer(received);
        if (!answer.complete) return;
        if (Number.isNaN(answer.status)) settle('error', 'malformed');
        else settle(String(answer.status));
      });
      // The server closed: an answer delimited by the close ends here; anything short of one is an error.
      socket.once('end', () => {
        const answer = readAnswer(received);
        if (answer.status && answer.complete === undefined) settle(String(answer.status));
        else settle('error', 'closed early');
      });
      socket.once('error', (err: NodeJS.ErrnoException) => settle('error', err.code ?? err.message));
      socket.once('close', () => settle('error', 'closed early'));
    }
  });
}
