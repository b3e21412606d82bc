import type { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import express, { type Response, type Router } from 'express';
import { z } from 'zod';
import { ValidationError } from '../../errors/app-error';
import { defineRoute } from '../../http/route';
import { ACCEPTED_FORMATS } from './media.config';
import type { JwtService } from '../auth/jwt.service';
import { currentUser, requireUser, type ApiKeyResolver } from '../auth/auth.middleware';
import type { MediaService, UploadResult } from './media.service';
import type { StsService } from './sts.service';
import type { UrlUploads } from './upload-from-url';

const UploadResponse = z.object({
  key: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  size: z.number().int(),
  mime: z.string().openapi({ example: 'image/jpeg' }),
  name: z
    .string()
    .nullable()
    .openapi({ example: '白T恤.jpg', description: 'the file name the image came with (cleaned); downloads use it' }),
});

const StsResponse = z.object({
  credentials: z.object({ tmpSecretId: z.string(), tmpSecretKey: z.string(), sessionToken: z.string() }),
  startTime: z.number().int(),
  expiredTime: z.number().int(),
  bucket: z.string(),
  region: z.string(),
  allowPrefix: z.string(),
  endpoint: z.string().optional(),
});

const UploadConfigResponse = z
  .object({
    mode: z.enum(['server', 'direct']).openapi({
      description:
        'server: POST /uploads; direct: PUT to COS with POST /uploads/sts credentials, then POST /uploads/confirm',
    }),
    maxBytes: z.number().int().openapi({ description: 'Largest accepted image in bytes (413 above it)' }),
    maxPixels: z
      .number()
      .int()
      .openapi({ description: 'Largest accepted width × height (413 IMAGE_TOO_MANY_PIXELS above it)' }),
    formats: z
      .array(z.string())
      .openapi({ description: 'Accepted image types (415 otherwise)', example: ['image/jpeg', 'image/png'] }),
  })
  .openapi('UploadConfig');

export interface MediaRouteDeps {
  jwt: JwtService;
  /** Lets merchant automation upload with an API key. */
  apiKeys?: ApiKeyResolver;
  media: MediaService;
  sts: StsService;
  urlUploads: UrlUploads;
  uploadMaxBytes: number;
  uploadMaxPixels: number;
  uploadMode: 'server' | 'direct';
}

/** 201 with the upload when it is new; 200 with the earlier one when the same bytes were already there. */
function answerUpload(
  res: Response,
  { created, ...upload }: UploadResult & { created: boolean },
): UploadResult | undefined {
  if (created) return upload;
  res.status(200).json(upload);
  return undefined;
}

/**
 * `POST /api/v1/uploads` and `POST /api/v1/uploads/sts` (docs/architecture.md §7), plus the direct-upload
 * confirmation and the setting that tells the portal which of the two ways to use.
 */
export function mediaRoutes(registry: OpenAPIRegistry, deps: MediaRouteDeps): Router {
  const router = express.Router();
  const auth = requireUser(deps.jwt, deps.apiKeys);

  defineRoute(router, registry, {
    method: 'get',
    path: '/api/v1/uploads/config',
    summary:
      'How the portal should upload (UPLOAD_MODE) and the limits it can check before sending (bytes, pixels, formats)',
    tags: ['media'],
    secured: true,
    before: [auth],
    response: UploadConfigResponse,
    handler: async () => ({
      mode: deps.uploadMode,
      maxBytes: deps.uploadMaxBytes,
      maxPixels: deps.uploadMaxPixels,
      formats: Object.values(ACCEPTED_FORMATS).map((f) => f.mime),
    }),
  });

  defineRoute(router, registry, {
    method: 'post',
    path: '/api/v1/uploads',
    summary:
      'Upload an image (multipart field "file"; JPEG, PNG or WebP). 201 when stored, 200 when the same bytes were already uploaded.',
    tags: ['media'],
    secured: true,
    before: [auth],
    upload: { field: 'file', maxBytes: deps.uploadMaxBytes, slots: deps.media.slots },
    status: 201,
    response: UploadResponse,
    errors: [413, 415, 503],
    handler: async ({ req, res }) => {
      if (!req.file) throw new ValidationError('Upload an image in the multipart field "file"');
      return answerUpload(res, await deps.media.upload(currentUser(req).id, req.file.buffer, req.file.originalname));
    },
  });

  defineRoute(router, registry, {
    method: 'post',
    path: '/api/v1/uploads/from-url',
    summary:
      'Fetch a public http(s) image and store it like POST /uploads (same answer; private addresses refused, at most 3 redirects, size cap, per-merchant rate limit)',
    tags: ['media'],
    secured: true,
    before: [auth],
    body: z.object({ url: z.string().min(1).max(2048) }).openapi('UploadFromUrl'),
    status: 201,
    response: UploadResponse,
    errors: [413, 415, 429, 503],
    handler: async ({ body, req, res }) =>
      answerUpload(res, await deps.urlUploads.upload(currentUser(req).id, body.url)),
  });

  defineRoute(router, registry, {
    method: 'post',
    path: '/api/v1/uploads/confirm',
    summary: 'Register an image uploaded directly to storage with STS credentials (same answer as POST /uploads)',
    tags: ['media'],
    secured: true,
    before: [auth],
    body: z.object({
      key: z.string().min(1).max(255),
      name: z.string().max(1000).optional().openapi({ description: "the file's name on the merchant's device" }),
    }),
    status: 201,
    response: UploadResponse,
    errors: [404, 413, 415, 503],
    handler: async ({ body, req, res }) =>
      answerUpload(res, await deps.media.confirmDirectUpload(currentUser(req).id, body.key, body.name)),
  });

  defineRoute(router, registry, {
    method: 'post',
    path: '/api/v1/uploads/sts',
    summary: 'Temporary COS credentials that can only upload below input/<userId>/',
    tags: ['media'],
    secured: true,
    before: [auth],
    response: StsResponse,
    errors: [503],
    handler: async ({ req }) => deps.sts.issue(currentUser(req).id),
  });

  return router;
}
