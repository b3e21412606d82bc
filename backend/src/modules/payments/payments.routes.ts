import express, { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../../app-context';
import { defineRoute } from '../../http/route';
import type { PaymentsService } from './payments.service';

type WithRawBody = { rawBody?: Buffer };

/**
 * `POST /api/v1/payments/:channel/notify`: provider → us. Never answers with our error shape:
 * each channel gets the answer it understands (WeChat 204 / `{code:"FAIL"}`, Alipay `success`).
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
  defineRoute(router, ctx.openapi, {
    method: 'post',
    path: '/api/v1/payments/:channel/notify',
    summary: 'Payment channel notify (wechat, alipay, sandbox)',
    tags: ['payments'],
    before: [form],
    params: z.object({ channel: z.string().max(16) }),
    handler: async ({ req, res, params }) => {
      const outcome = await payments.handleNotify(params.channel, {
        headers: req.headers,
        rawBody: (req as unknown as WithRawBody).rawBody ?? Buffer.alloc(0),
        body: req.body,
      });
      const answer = answerers.get(params.channel);
      if (!answer) return void res.status(404).json({ code: 'FAIL', message: 'channel not enabled' });
      if (outcome.ok) answer.answerSuccess(res);
      else answer.answerFailure(res, outcome.status, outcome.message);
    },
  });
  return router;
}

export interface NotifyAnswerer {
  answerSuccess(res: express.Response): void;
  answerFailure(res: express.Response, status: number, message: string): void;
}
