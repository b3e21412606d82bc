import type { ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const STARTED = Symbol('aiphoto.metricsStarted');
type Timed = ServerResponse & { [STARTED]?: bigint };

/** Prometheus metrics of one backend process; one registry per app so tests stay isolated. */
export class Metrics {
  readonly registry = new Registry();
  readonly httpRequests: Counter<'method' | 'route' | 'status'>;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;

  /** Tasks accepted by type, and how they ended (done / failed / canceled) with the error code. */
  readonly tasksCreated: Counter<'type'>;
  readonly tasksFinished: Counter<'type' | 'status' | 'code'>;
  /** Outbox deliveries to n8n: `sent`, `retry` (n8n down or erroring) or `dead` (past the deadline). */
  readonly dispatches: Counter<'outcome'>;
  /** Signed callbacks from n8n: `applied`, `ignored` (late/duplicate) or `rejected` (bad signature). */
  readonly callbacks: Counter<'event' | 'outcome'>;
  /** Stops of canceled tasks' n8n executions: `stopped`, `not-running` or `failed` (n8n unreachable or refusing). */
  readonly executionStops: Counter<'outcome'>;

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'aiphoto_' });
    this.httpRequests = new Counter({
      name: 'aiphoto_http_requests_total',
      help: 'HTTP requests by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      registers: [this.registry],
    });
    this.httpDuration = new Histogram({
      name: 'aiphoto_http_request_duration_seconds',
      help: 'HTTP request latency by method, route pattern and status',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
      new Counter<L>({ name, help, labelNames, registers: [this.registry] });
    this.tasksCreated = counter('aiphoto_tasks_created_total', 'Tasks accepted, by type', ['type']);
    this.tasksFinished = counter(
      'aiphoto_tasks_finished_total',
      'Tasks that reached a terminal state, by type, status and error code',
      ['type', 'status', 'code'],
    );
    this.dispatches = counter('aiphoto_dispatch_attempts_total', 'Deliveries of tasks to n8n, by outcome', ['outcome']);
    this.callbacks = counter('aiphoto_n8n_callbacks_total', 'Signed callbacks from n8n, by event and outcome', [
      'event',
      'outcome',
    ]);
    this.executionStops = counter(
      'aiphoto_n8n_execution_stops_total',
      'Stops of canceled tasks’ n8n executions, by outcome',
      ['outcome'],
    );
  }

  /**
   * Records every request under its route pattern, or `unmatched` when no route answered it
   * (unknown paths, static files, a body or rate-limit error before routing): never the raw
   * URL, which would make one series per distinct path a client sends.
   */
  middleware(): RequestHandler {
    const { httpRequests, httpDuration } = this;
    // One listener for every answer (no closure and timer per request): the start is kept on the response.
    function finished(this: Timed): void {
      const req = this.req as Request;
      const route = req.route?.path ? `${req.baseUrl}${String(req.route.path)}` : 'unmatched';
      const labels = { method: req.method, route, status: String(this.statusCode) };
      httpRequests.inc(labels);
      httpDuration.observe(labels, Number(process.hrtime.bigint() - (this[STARTED] ?? 0n)) / 1e9);
    }
    return (_req, res, next) => {
      (res as Timed)[STARTED] = process.hrtime.bigint();
      res.on('finish', finished);
      next();
    };
  }
}
