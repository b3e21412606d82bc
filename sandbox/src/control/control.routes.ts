import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import type { SandboxContext } from '../context';

const times = z.number().int().min(1).max(1000).optional();
const runningHubScriptSchema = z.object({
  outcome: z.enum(['success', 'fail', 'hang']),
  delayMs: z.number().int().min(0).max(3_600_000).optional(),
  times,
});
const ciScriptSchema = z.object({ outcome: z.enum(['success', 'fail']), times });
const auditScriptSchema = z.object({
  outcome: z.enum(['pass', 'reject', 'error']),
  score: z.number().min(0).max(100).optional(),
  label: z
    .string()
    .regex(/^[A-Za-z]{1,32}$/)
    .optional(),
  times,
});

function validationError(res: Response, error: z.ZodError): void {
  const issue = error.issues[0];
  res.status(400).json({
    error: {
      code: 'VALIDATION_FAILED',
      message: `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`,
    },
  });
}

/** Control paths of docs/architecture.md §8 (local use and tests only): scripts, call counts, reset. */
export function controlRouter(ctx: SandboxContext): Router {
  const router = express.Router();
  router.use('/sandbox', express.json());

  router.post('/sandbox/runninghub/script', (req: Request, res: Response) => {
    const parsed = runningHubScriptSchema.safeParse(req.body);
    if (!parsed.success) return validationError(res, parsed.error);
    const { outcome, delayMs, times: n } = parsed.data;
    ctx.runninghubScript.set({ outcome, delayMs }, n ?? 1);
    res.json({ script: ctx.runninghubScript.pending() });
  });

  router.post('/sandbox/ci/script', (req: Request, res: Response) => {
    const parsed = ciScriptSchema.safeParse(req.body);
    if (!parsed.success) return validationError(res, parsed.error);
    ctx.ciScript.set({ outcome: parsed.data.outcome }, parsed.data.times ?? 1);
    res.json({ script: ctx.ciScript.pending() });
  });

  router.post('/sandbox/ci/audit/script', (req: Request, res: Response) => {
    const parsed = auditScriptSchema.safeParse(req.body);
    if (!parsed.success) return validationError(res, parsed.error);
    const { times: n, ...entry } = parsed.data;
    ctx.auditScript.set(entry, n ?? 1);
    res.json({ script: ctx.auditScript.pending() });
  });

  router.get('/sandbox/calls', (_req: Request, res: Response) => {
    const calls = ctx.calls.snapshot();
    res.json({ calls, total: Object.values(calls).reduce((a, b) => a + b, 0) });
  });

  router.post('/sandbox/reset', (_req: Request, res: Response) => {
    ctx.calls.reset();
    ctx.ciScript.reset();
    ctx.auditScript.reset();
    ctx.runninghubScript.reset();
    res.json({ ok: true });
  });

  router.get('/sandbox/health', (_req: Request, res: Response) => {
    res.json({ ok: true, publicUrl: ctx.publicUrl() });
  });
  return router;
}
