import express, { Router } from 'express';
import type { AppContext } from '../../app-context';
import { defineRoute } from '../../http/route';
import type { PaymentsService } from './payments.service';

type WithRawBody = { rawBody?: Buffer };

/**
 * `POST /api/v1/payments/<channel>/notify`: provider → us. A notify that reaches its handler is
 * answered in the form its channel understands (WeChat 204 / `{code:"FAIL"}`, Alipay `success`);
 * a body that cannot be read (too many parameters, bad encoding) gets our 4xx error shape.
 */
export function paymentsRoutes(
  ctx: AppContext,
  payments: PaymentsService,
  answerers: Map<string, NotifyAnswerer>,
): Router {
  const router = Router();
  // Alipay posts a form; the raw bytes are kept like app.ts does for JSON.
  const form = express.urlencoded({
    extended: false,
    limit: '64kb',
    verify: (req, _res, buf) => {
      (req as unknown as WithRawBody).rawBody = buf;
    },
  });
  // One route per enabled channel, not `/:channel/notify`: any other name (`%`, `__proto__`,
  // a disabled channel) matches no route and answers 404 in our error shape.
  for (const [channel, answer] of answerers) {
    defineRoute(router, ctx.openapi, {
      method: 'post',
      path: `/api/v1/payments/${channel}/notify`,
      summary: `Payment notify from the ${channel} channel`,
      tags: ['payments'],
      before: [form],
      handler: async ({ req, res }) => {
        const outcome = await payments.handleNotify(channel, {
          headers: req.headers,
          rawBody: (req as unknown as WithRawBody).rawBody ?? Buffer.alloc(0),
          body: req.body,
        });
        if (outcome.ok) answer.answerSuccess(res);
        else answer.answerFailure(res, outcome.status, outcome.message);
      },
    });
  }
  return router;
}

export interface NotifyAnswerer {
  answerSuccess(res: express.Response): void;
  answerFailure(res: express.Response, status: number, message: string): void;
}
