/**
 * HTTP load with autocannon (keep-alive connections, one request in flight per connection),
 * recording every response time so p50/p95/p99 are exact rather than autocannon's fixed buckets.
 * The bench runs it in its own process; every server under test is a child process, so the load
 * generator never shares a server's event loop.
 */
import autocannon from 'autocannon';
import { createHistogram } from 'node:perf_hooks';

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections: number;
  /** Seconds to run; ignored when `amount` is given. */
  seconds?: number;
  /** Exactly this many requests, then stop. */
  amount?: number;
}

export interface Latency {
  p50: number;
  p95: number;
  p99: number;
}

export interface LoadResult extends Latency {
  requests: number;
  perSecond: number;
  seconds: number;
  /** Responses by status code; errors (timeouts, resets) under `error`. */
  statuses: Record<string, number>;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const histogram = createHistogram();
  const statuses: Record<string, number> = {};
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        method: options.method ?? 'GET',
        headers: options.headers,
        body: options.body,
        connections: options.amount ? Math.min(options.connections, options.amount) : options.connections,
        ...(options.amount ? { amount: options.amount } : { duration: options.seconds ?? 5 }),
        timeout: 30,
      },
      (err, res) => (err ? reject(err as Error) : resolve(res)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      statuses[statusCode] = (statuses[statusCode] ?? 0) + 1;
      histogram.record(Math.max(1, Math.round(responseTime * 1000)));
    });
    instance.on('reqError', () => {
      statuses.error = (statuses.error ?? 0) + 1;
    });
  });
  const seconds = (performance.now() - started) / 1000;
  const requests = Object.entries(statuses)
    .filter(([status]) => status !== 'error')
    .reduce((sum, [, n]) => sum + n, 0);
  const ms = (p: number) => (histogram.count ? histogram.percentile(p) / 1000 : 0);
  return {
    requests,
    perSecond: requests / (result.duration || seconds),
    seconds,
    statuses,
    p50: ms(50),
    p95: ms(95),
    p99: ms(99),
  };
}

/** Percentiles of latencies measured elsewhere (milliseconds). */
export function latencyOf(samples: number[]): Latency {
  if (!samples.length) return { p50: 0, p95: 0, p99: 0 };
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
  return { p50: at(50), p95: at(95), p99: at(99) };
}
