import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { SandboxContext } from '../context';
import type { SmsOutbox } from './sms-outbox';

const sendSmsSchema = z.object({
  PhoneNumberSet: z.array(z.string().min(1)).min(1).max(200),
  SmsSdkAppId: z.string().min(1),
  TemplateId: z.string().min(1),
  SignName: z.string().optional(),
  TemplateParamSet: z.array(z.string()).optional(),
  SessionContext: z.string().optional(),
  ExtendCode: z.string().optional(),
  SenderId: z.string().optional(),
});

/** Tencent Cloud API errors come back as HTTP 200 with `Response.Error` (the SDK throws on it). */
function tcError(res: Response, code: string, message: string): void {
  res.json({ Response: { Error: { Code: code, Message: message }, RequestId: randomUUID() } });
}

/**
 * Tencent Cloud SMS `SendSms` (API 2021-01-11) as tencentcloud-sdk-nodejs sends it:
 * `POST /` with `X-TC-Action: SendSms` and a JSON body. The TC3 signature is not checked
 * (the sandbox has no SMS secret to check it with); its presence is.
 * Plus `GET /sandbox/sms/outbox?phone=` to read what was "sent".
 */
export function smsRouter(ctx: SandboxContext, outbox: SmsOutbox): Router {
  const router = express.Router();
  // Parse JSON only for Tencent Cloud API calls, so other `POST /` requests reach COS untouched.
  router.post(
    '/',
    express.json({ type: (req) => req.headers['x-tc-action'] !== undefined }),
    (req: Request, res: Response, next: NextFunction) => {
      const action = req.header('x-tc-action');
      if (!action) return next(); // not a Tencent Cloud API call: let COS answer
      ctx.calls.record(`sms:${action}`);
      if (!req.header('authorization')?.startsWith('TC3-HMAC-SHA256')) {
        return tcError(res, 'AuthFailure.SignatureFailure', 'The request is not signed with TC3-HMAC-SHA256.');
      }
      if (action !== 'SendSms')
        return tcError(res, 'InvalidAction', `The action ${action} is not supported by the sandbox.`);
      const parsed = sendSmsSchema.safeParse(req.body);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        return tcError(res, 'InvalidParameter', `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
      }
      const body = parsed.data;
      const sentAt = new Date().toISOString();
      const statuses = body.PhoneNumberSet.map((phone) => {
        const serialNo = randomUUID();
        outbox.add({
          phone,
          code: body.TemplateParamSet?.[0] ?? null,
          templateParams: body.TemplateParamSet ?? [],
          templateId: body.TemplateId,
          signName: body.SignName ?? '',
          smsSdkAppId: body.SmsSdkAppId,
          serialNo,
          sentAt,
        });
        return {
          SerialNo: serialNo,
          PhoneNumber: phone,
          Fee: 1,
          SessionContext: body.SessionContext ?? '',
          Code: 'Ok',
          Message: 'send success',
          IsoCode: 'CN',
        };
      });
      res.json({ Response: { SendStatusSet: statuses, RequestId: randomUUID() } });
    },
  );

  router.get('/sandbox/sms/outbox', (req: Request, res: Response) => {
    const phone = typeof req.query.phone === 'string' ? req.query.phone : undefined;
    res.json({ items: outbox.list(phone) });
  });
  return router;
}
