import { Router, type NextFunction, type Request, type Response } from 'express';
import swaggerUi from 'swagger-ui-express';
import { z } from 'zod';
import type { AppContext, ReadinessCheck } from '../../app-context';
import { defineRoute } from '../../http/route';
import { buildOpenApiDocument } from '../../openapi/registry';
import { HealthService } from './health.service';

const Health = z.object({ status: z.literal('ok'), uptimeSeconds: z.number() }).openapi('Health');
const Ready = z
  .object({
    status: z.enum(['ready', 'not_ready']),
    // Per dependency: up or down and a stable code; the error itself is only logged.
    checks: z.record(
      z.string(),
      z.object({
        status: z.enum(['ok', 'down']),
        code: z.enum(['OK', 'TIMEOUT', 'UNREACHABLE', 'UNHEALTHY', 'CHECK_FAILED']),
        ms: z.number(),
      }),
    ),
  })
  .openapi('Readiness');

/** Liveness, readiness, Prometheus metrics and the generated OpenAPI document. */
export function healthRoutes(ctx: AppContext, checks: ReadinessCheck[]): Router {
  const router = Router();
  const service = new HealthService(checks, ctx.logger.child({ component: 'readiness' }));

  defineRoute(router, ctx.openapi, {
    method: 'get',
    path: '/health',
    summary: 'Liveness: the process is up',
    tags: ['operations'],
    response: Health,
    handler: async () => ({ status: 'ok' as const, uptimeSeconds: Math.round(process.uptime()) }),
  });

  defineRoute(router, ctx.openapi, {
    method: 'get',
    path: '/ready',
    summary: 'Readiness: database, Redis and n8n each reported',
    tags: ['operations'],
    response: Ready,
    errors: [503],
    handler: async ({ res }) => {
      const report = await service.readiness();
      res.status(report.status === 'ready' ? 200 : 503).json(report);
    },
  });

  router.get('/metrics', async (_req, res, next) => {
    try {
      res.set('Content-Type', ctx.metrics.registry.contentType).send(await ctx.metrics.registry.metrics());
    } catch (err) {
      next(err);
    }
  });

  // Generated lazily so every module has registered its routes by the first request.
  let document: object | null = null;
  const openApiDocument = () => (document ??= buildOpenApiDocument(ctx.openapi, ctx.config.http.publicBaseUrl));
  router.get('/api/docs.json', (_req, res) => {
    res.json(openApiDocument());
  });
  // `/api/docs` answers the OpenAPI JSON to API clients and Swagger UI to browsers.
  router.get('/api/docs', (req: Request, res: Response, next: NextFunction) => {
    if (req.accepts(['json', 'html']) === 'json') res.json(openApiDocument());
    else next();
  });
  router.use('/api/docs', swaggerUi.serve, (req: Request, res: Response, next: NextFunction) => {
    swaggerUi.setup(openApiDocument())(req, res, next);
  });
  return router;
}
