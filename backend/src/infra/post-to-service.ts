import http from 'node:http';
import https from 'node:https';

/** What a service we own answered: the status, and its body's first `keepBytes` as text. */
export interface ServiceAnswer {
  status: number;
  /** The start of the body (for an error message); the rest is read and dropped. */
  text: string;
}

export interface PostToServiceOptions {
  headers: Record<string, string>;
  timeoutMs: number;
  /** How much of the answer's body is kept as `text` (default 1 KiB). */
  keepBytes?: number;
}

/**
 * A POST to a service of our own deployment (n8n's webhooks) over kept-alive connections. The
 * global `fetch` costs the backend more CPU per request than the rest of a dispatch together (WHATWG
 * request/response objects and body streams, a request clone, a WebAssembly HTTP parser): about
 * 12 % of the backend's busy time over the basic_clean bench window. Not for merchant URLs:
 * those go through `fetchPublic` and its SSRF guard.
 */
export class ServicePoster {
  // With an agent timeout set, an idle socket is dropped a second before the server's announced
  // `Keep-Alive: timeout` (Node applies the hint only then), so a POST never meets a closed socket.
  private readonly agents = {
    'http:': new http.Agent({ keepAlive: true, timeout: 60_000 }),
    'https:': new https.Agent({ keepAlive: true, timeout: 60_000 }),
  };

  post(url: URL, body: string, options: PostToServiceOptions): Promise<ServiceAnswer> {
    const secure = url.protocol === 'https:';
    if (!secure && url.protocol !== 'http:') return Promise.reject(new Error(`not an http(s) URL: ${url.protocol}`));
    const keepBytes = options.keepBytes ?? 1024;
    const payload = Buffer.from(body);
    return new Promise<ServiceAnswer>((resolve, reject) => {
      const req = (secure ? https : http).request(
        url,
        {
          method: 'POST',
          agent: this.agents[url.protocol as 'http:' | 'https:'],
          headers: { ...options.headers, 'Content-Length': String(payload.length) },
          timeout: options.timeoutMs,
        },
        (res) => {
          const kept: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            if (size < keepBytes) kept.push(chunk.subarray(0, keepBytes - size));
            size += chunk.length;
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(kept).toString('utf8') }));
          res.on('error', reject);
          res.on('close', () => {
            if (!res.complete) reject(new Error('the answer was cut off'));
          });
        },
      );
      // `timeout` is idleness on the socket; the deadline covers the whole exchange.
      const deadline = setTimeout(
        () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)),
        options.timeoutMs,
      );
      deadline.unref();
      req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
      req.on('error', reject);
      req.on('close', () => clearTimeout(deadline));
      req.end(payload);
    });
  }

  /** Closes the idle kept-alive connections (shutdown). */
  close(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }
}
