import type { OpenAPIRegistry, RouteConfig } from '@asteasolutions/zod-to-openapi';
import type { Request, RequestHandler, Response, Router } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../errors/app-error';
import type { ConcurrencyGate } from '../infra/concurrency-gate';
import { ErrorResponse } from '../openapi/registry';
import { markHotRoute } from './hot-routes';
import { singleFile } from './multipart';

/**
 * Names every plain object answers (`__proto__`, `constructor`, `toString`…). No id, key or name
 * in this API is one, and code that looks a parameter up in an object would find the prototype's
 * member instead of nothing: such a path parameter answers 404 before any handler sees it.
 */
const PROTOTYPE_KEYS = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

function assertNoPrototypeKeys(params: Record<string, unknown>): void {
  for (const value of Object.values(params)) {
    if (typeof value === 'string' && PROTOTYPE_KEYS.has(value)) throw new NotFoundError(`Nothing is named ${value}`);
  }
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteInput<B, Q, P> {
  body: B;
  query: Q;
  params: P;
  req: Request;
  res: Response;
}

export interface RouteSpec<B extends z.ZodType, Q extends z.ZodType, P extends z.ZodType, R extends z.ZodType> {
  method: Method;
  path: string;
  summary: string;
  tags: string[];
  /** Middlewares run before validation (authentication, role checks, rate limits). */
  before?: RequestHandler[];
  /** Marks the route as needing a bearer token in the OpenAPI document. */
  secured?: boolean;
  body?: B;
  /**
   * A multipart body with one file field (instead of a JSON `body`): parsed after `before`
   * (so only authenticated requests are read) once one of `slots` is free (the bytes are held in
   * memory until the answer is sent), capped at `maxBytes`, documented as
   * `multipart/form-data`; the handler finds the file in `req.file`.
   */
  upload?: { field: string; maxBytes: number; slots: ConcurrencyGate };
  query?: Q;
  params?: P;
  status?: number;
  response?: R;
  /**
   * Also answered before Express's router, with the same handlers (http/hot-routes.ts): for the
   * hottest reads only (a GET without upload or body); the module's router still declares it.
   */
  hot?: boolean;
  /** Extra documented error statuses (400/401/500 are implied). */
  errors?: number[];
  handler: (input: RouteInput<z.output<B>, z.output<Q>, z.output<P>>) => Promise<z.input<R> | void>;
}

/**
 * Declares a thin route: parse the request with zod, call one service method, answer JSON.
 * The same schemas feed the OpenAPI document, so `/api/docs` cannot drift from the code.
 * A handler that answers by itself (stream, redirect, custom body) returns nothing.
 */
export function defineRoute<
  B extends z.ZodType = z.ZodUnknown,
  Q extends z.ZodType = z.ZodUnknown,
  P extends z.ZodType = z.ZodUnknown,
  R extends z.ZodType = z.ZodUnknown,
>(router: Router, registry: OpenAPIRegistry, spec: RouteSpec<B, Q, P, R>): void {
  const status = spec.status ?? 200;
  const doc: RouteConfig = {
    method: spec.method,
    path: spec.path.replace(/:([A-Za-z_]+)/g, '{$1}'),
    summary: spec.summary,
    tags: spec.tags,
    security: spec.secured ? [{ bearerAuth: [] }] : undefined,
    request: {
      ...(spec.body ? { body: { content: { 'application/json': { schema: spec.body } } } } : {}),
      ...(spec.upload
        ? { body: { content: { 'multipart/form-data': { schema: uploadSchema(spec.upload.field) } } } }
        : {}),
      // The generator wants object schemas here; our query/params schemas are z.object(...)
      // by convention, which the generic signature cannot express without narrowing B/Q/P.
      ...(spec.query ? { query: spec.query as never } : {}),
      ...(spec.params ? { params: spec.params as never } : {}),
    },
    responses: {
      [status]: spec.response
        ? { description: 'OK', content: { 'application/json': { schema: spec.response } } }
        : { description: 'OK' },
      ...Object.fromEntries(
        [400, 401, 500, ...(spec.errors ?? [])].map((code) => [
          code,
          { description: 'Error', content: { 'application/json': { schema: ErrorResponse } } },
        ]),
      ),
    },
  };
  registry.registerPath(doc);

  const handler: RequestHandler = async (req, res, next) => {
    try {
      assertNoPrototypeKeys(req.params);
      const input = {
        body: (spec.body ? spec.body.parse(req.body ?? {}) : req.body) as z.output<B>,
        query: (spec.query ? spec.query.parse(req.query) : req.query) as z.output<Q>,
        params: (spec.params ? spec.params.parse(req.params) : req.params) as z.output<P>,
        req,
        res,
      };
      const result = await spec.handler(input);
      if (res.headersSent || result === undefined) return;
      answerJson(req, res, status, result);
    } catch (err) {
      next(err);
    }
  };
  const parseUpload = spec.upload ? [singleFile(spec.upload.field, spec.upload.maxBytes, spec.upload.slots)] : [];
  const handlers = [...(spec.before ?? []), ...parseUpload, handler];
  router[spec.method](spec.path, ...handlers);
  if (spec.hot) {
    if (spec.method !== 'get' || spec.upload || spec.body)
      throw new Error(`${spec.path}: only a GET without a body can be hot`);
    markHotRoute(router, { path: spec.path, handlers });
  }
}

/**
 * `res.status(status).json(result)`, written directly in the usual case: a GET or POST (not HEAD)
 * without `If-None-Match`/`If-Modified-Since`, a status with a body, no Content-Type set by the
 * handler. Express's `json` and `send` look up three JSON settings, set and then re-parse the
 * Content-Type to add its charset, and copy a body of 1,000 characters or more into a Buffer,
 * which is then written apart from the header; here the same header values are set once and the
 * string goes out with the header. Anything else (HEAD, conditional requests, 204/304) still goes
 * through Express, which answers those.
 */
function answerJson(req: Request, res: Response, status: number, result: unknown): void {
  const headers = req.headers;
  if (
    req.method === 'HEAD' ||
    status === 204 ||
    status === 304 ||
    headers['if-none-match'] !== undefined ||
    headers['if-modified-since'] !== undefined ||
    res.hasHeader('Content-Type')
  ) {
    res.status(status).json(result);
    return;
  }
  const body = JSON.stringify(result);
  res.statusCode = status;
  res.setHeader('Content-Type', JSON_TYPE);
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}

/** What Express's `res.json` answers with (its `application/json` plus the charset `send` adds). */
const JSON_TYPE = 'application/json; charset=utf-8';

function uploadSchema(field: string) {
  return z.object({ [field]: z.string().openapi({ type: 'string', format: 'binary' }) });
}
