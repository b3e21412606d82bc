import { OpenAPIRegistry, OpenApiGeneratorV3, extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

/** Schemas shared by many routes. */
export const ErrorResponse = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      details: z.unknown().optional(),
      detailCount: z.number().int().optional(),
    }),
  })
  .openapi('Error');

export function createOpenApiRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearerAuth', { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' });
  return registry;
}

/** The OpenAPI document generated from the zod schemas the routes validate with. */
export function buildOpenApiDocument(registry: OpenAPIRegistry, serverUrl: string): object {
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'AI Photo API',
      version: '1.0.0',
      description: 'Merchant, admin and internal API of AI Photo. Errors are `{ error: { code, message } }`.',
    },
    servers: [{ url: serverUrl }],
  });
}
