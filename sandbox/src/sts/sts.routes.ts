import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import type { SandboxContext } from '../context';
import { federationSignature } from './federation-signature';
import { parsePolicy, PolicyError } from './policy';

/** The longest lifetime GetFederationToken grants (Tencent: 7200 s for a root account's keys). */
const MAX_DURATION_SECONDS = 7200;
/** How far the request's Timestamp may be from the sandbox's clock. */
const TIMESTAMP_SKEW_SECONDS = 300;

/** Tencent Cloud API errors come back as HTTP 200 with `Response.Error` (the SDK rejects with it). */
function stsError(res: Response, code: string, message: string): void {
  res.json({ Response: { Error: { Code: code, Message: message }, RequestId: randomUUID() } });
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Tencent STS `GetFederationToken` (version 2018-08-13) as qcloud-cos-sts sends it: `POST /`
 * with a form body carrying `Action`, `SecretId`, `Timestamp`, `Nonce`, `DurationSeconds`,
 * `Region`, `Name`, `Policy` (URL-encoded JSON) and `Signature` (see federationSignature). The
 * signature is checked with the sandbox's COS key pair, the policy is parsed (anything the
 * sandbox cannot evaluate is refused), and the answer has the real shape:
 * `{ Response: { Credentials: { TmpSecretId, TmpSecretKey, Token }, ExpiredTime, Expiration, RequestId } }`.
 * COS then holds requests signed with those credentials to the policy (cos.routes.ts).
 */
export function stsRouter(ctx: SandboxContext): Router {
  const router = express.Router();
  router.post(
    '/',
    express.urlencoded({ extended: false, type: 'application/x-www-form-urlencoded', limit: '64kb' }),
    (req: Request, res: Response, next: NextFunction) => {
      const params = (req.body ?? {}) as Record<string, unknown>;
      if (typeof params.Action !== 'string') return next(); // not an STS call: SMS or COS answer it
      ctx.calls.record(`sts:${params.Action}`);
      if (params.Action !== 'GetFederationToken') {
        return stsError(res, 'InvalidAction', `The action ${params.Action} is not supported by the sandbox.`);
      }
      const form: Record<string, string> = {};
      for (const [name, value] of Object.entries(params)) if (typeof value === 'string') form[name] = value;
      if (form.SecretId !== ctx.cos.secretId) {
        return stsError(res, 'AuthFailure.SecretIdNotFound', 'The SecretId is not found.');
      }
      const host = req.headers.host ?? '';
      if (!form.Signature || !sameText(federationSignature(form, ctx.cos.secretKey, host), form.Signature)) {
        return stsError(res, 'AuthFailure.SignatureFailure', 'The provided credentials could not be validated.');
      }
      const now = Math.floor(ctx.now() / 1000);
      if (Math.abs(now - Number(form.Timestamp)) > TIMESTAMP_SKEW_SECONDS) {
        return stsError(res, 'AuthFailure.SignatureExpire', 'The request timestamp is too far from the server time.');
      }
      const duration = Number(form.DurationSeconds ?? 1800);
      if (!Number.isInteger(duration) || duration < 1 || duration > MAX_DURATION_SECONDS) {
        return stsError(res, 'InvalidParameter', `DurationSeconds must be 1–${MAX_DURATION_SECONDS}.`);
      }
      let policy;
      try {
        policy = parsePolicy(JSON.parse(decodeURIComponent(form.Policy ?? '')));
      } catch (err) {
        const detail = err instanceof PolicyError ? err.message : 'the policy is not URL-encoded JSON';
        return stsError(res, 'InvalidParameter.PolicyNotValid', detail);
      }
      const issued = ctx.sts.issue(policy, now + duration, now);
      res.json({
        Response: {
          Credentials: { Token: issued.token, TmpSecretId: issued.tmpSecretId, TmpSecretKey: issued.tmpSecretKey },
          ExpiredTime: issued.expiredTime,
          Expiration: new Date(issued.expiredTime * 1000).toISOString(),
          RequestId: randomUUID(),
        },
      });
    },
  );
  return router;
}
