import express, { type Request, type Response, type Router } from 'express';
import multer from 'multer';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { SandboxContext } from '../context';
import { InputRefusedError, MAX_INPUT_BYTES } from './fetch-input';
import { runRequestSchema } from './node-info';
import { RunningHubError, type RunningHubService } from './runninghub.service';

/** Image type by magic bytes: clients often send uploads as application/octet-stream. */
function sniffImageExt(body: Buffer): string | undefined {
  if (body.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]))) return 'png';
  if (body.subarray(0, 3).equals(Buffer.from([0xff, 0xd8, 0xff]))) return 'jpg';
  if (body.toString('latin1', 0, 4) === 'RIFF' && body.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  return undefined;
}

/** RunningHub answers HTTP 200 with a business code, success or not. */
function reply(res: Response, body: { code: number; msg: string; data: unknown }): void {
  res.status(200).json(body);
}

function handle(res: Response, fn: () => Promise<{ code: number; msg: string; data: unknown }>): Promise<void> {
  return fn().then(
    (body) => reply(res, body),
    (err: unknown) => {
      if (err instanceof RunningHubError) return reply(res, { code: err.code, msg: err.message, data: null });
      if (err instanceof InputRefusedError)
        return reply(res, { code: 301, msg: `PARAMS_INVALID: ${err.message}`, data: null });
      console.error('[sandbox] RunningHub request failed', err);
      reply(res, { code: 500, msg: 'INTERNAL_ERROR', data: null });
    },
  );
}

/**
 * RunningHub OpenAPI (`/task/openapi/*`) and the temporary result files it hands out
 * (`/runninghub/files/<taskId>/<n>.png`).
 */
export function runningHubRouter(ctx: SandboxContext, service: RunningHubService): Router {
  const router = express.Router();
  const json = express.json({ limit: '1mb' });
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_INPUT_BYTES, files: 1 } });

  router.post('/task/openapi/ai-app/run', json, (req: Request, res: Response) =>
    handle(res, async () => {
      ctx.calls.record('runninghub:run');
      service.assertApiKey((req.body as { apiKey?: unknown } | undefined)?.apiKey);
      const parsed = runRequestSchema.safeParse(req.body);
      if (!parsed.success) return { code: 301, msg: 'PARAMS_INVALID', data: null };
      return service.run(parsed.data);
    }),
  );

  router.post('/task/openapi/status', json, (req: Request, res: Response) =>
    handle(res, async () => {
      ctx.calls.record('runninghub:status');
      const body = (req.body ?? {}) as { apiKey?: unknown; taskId?: unknown };
      return { code: 0, msg: 'success', data: service.status(body.apiKey, body.taskId) };
    }),
  );

  router.post('/task/openapi/outputs', json, (req: Request, res: Response) =>
    handle(res, async () => {
      ctx.calls.record('runninghub:outputs');
      const body = (req.body ?? {}) as { apiKey?: unknown; taskId?: unknown };
      return service.outputs(body.apiKey, body.taskId);
    }),
  );

  router.post('/task/openapi/upload', (req: Request, res: Response) =>
    handle(res, async () => {
      ctx.calls.record('runninghub:upload');
      try {
        await new Promise<void>((resolve, reject) =>
          upload.single('file')(req, res, (err: unknown) => (err ? reject(err) : resolve())),
        );
      } catch (err) {
        const tooLarge = err instanceof multer.MulterError && err.code === 'LIMIT_FILE_SIZE';
        return tooLarge
          ? { code: 809, msg: 'FILE_TOO_LARGE', data: null }
          : { code: 808, msg: 'UPLOAD_FAILED', data: null };
      }
      service.assertApiKey((req.body as { apiKey?: unknown } | undefined)?.apiKey);
      const ext = req.file ? sniffImageExt(req.file.buffer) : undefined;
      if (!req.file || !ext) return { code: 301, msg: 'PARAMS_INVALID', data: null };
      const sha256 = createHash('sha256').update(req.file.buffer).digest('hex');
      const fileName = await service.upload(req.file.buffer, ext, sha256);
      return { code: 0, msg: 'success', data: { fileName, fileType: 'input' } };
    }),
  );

  router.get('/runninghub/files/:taskId/:file', (req: Request, res: Response) => {
    ctx.calls.record('runninghub:file');
    const { taskId, file } = req.params as { taskId: string; file: string };
    if (!/^\d+$/.test(taskId) || !/^\d{1,2}\.png$/.test(file)) return void res.status(404).end();
    // dotfiles: the data folder is `.data` by default, and send() would refuse any dot segment.
    res.sendFile(
      join(service.filesDir, taskId, file),
      { headers: { 'Content-Type': 'image/png' }, dotfiles: 'allow' },
      (err) => {
        if (err && !res.headersSent) res.status(404).end();
      },
    );
  });
  return router;
}
