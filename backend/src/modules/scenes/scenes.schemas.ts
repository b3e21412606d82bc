import { z } from 'zod';
import '../../openapi/registry';

/** Codes are what clients send in task params and what operators see: short, lowercase, stable. */
const Code = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'lowercase letters, digits, "-" and "_" (max 64)');

/** The English name (null: not named yet; English pages then show `name`). */
const NameEnOut = z.string().nullable();
const NameEn = z.string().trim().min(1).max(128).nullable();

/** What merchants see: no prompt text, ever (the fragments are business IP). */
export const PublicCatalogSchema = z
  .object({
    scenes: z.array(
      z.object({ code: z.string(), name: z.string(), nameEn: NameEnOut, thumbnailUrl: z.string().optional() }),
    ),
    categories: z.array(z.object({ code: z.string(), name: z.string(), nameEn: NameEnOut })),
  })
  .openapi('SceneCatalog');

export const AdminSceneSchema = z
  .object({
    id: z.string(),
    code: z.string(),
    name: z.string(),
    nameEn: NameEnOut,
    category: z.enum(['scene', 'garment']),
    promptFragment: z.string(),
    thumbnailKey: z.string().nullable(),
    thumbnailUrl: z.string().optional(),
    active: z.boolean(),
    sort: z.number().int(),
    createdAt: z.string().nullable(),
    updatedAt: z.string().nullable(),
  })
  .openapi('AdminScene');
export type AdminScene = z.infer<typeof AdminSceneSchema>;

export const AdminSceneListSchema = z.object({ items: z.array(AdminSceneSchema) }).openapi('AdminSceneList');

export const AdminSceneQuerySchema = z.object({ category: z.enum(['scene', 'garment']).optional() });

export const CreateSceneSchema = z
  .object({
    code: Code,
    name: z.string().trim().min(1).max(128),
    nameEn: NameEn.default(null),
    category: z.enum(['scene', 'garment']),
    promptFragment: z.string().trim().min(1).max(2000),
    thumbnailKey: z.string().trim().min(1).max(255).nullable().default(null),
    active: z.boolean().default(true),
    sort: z.number().int().min(0).max(1_000_000).default(0),
  })
  .strict()
  .openapi('CreateScene');
export type CreateSceneInput = z.output<typeof CreateSceneSchema>;

/** Code and kind are identity: tasks store the code, so changing it would orphan their params. */
export const UpdateSceneSchema = z
  .object({
    name: z.string().trim().min(1).max(128).optional(),
    nameEn: NameEn.optional(),
    promptFragment: z.string().trim().min(1).max(2000).optional(),
    thumbnailKey: z.string().trim().min(1).max(255).nullable().optional(),
    active: z.boolean().optional(),
    sort: z.number().int().min(0).max(1_000_000).optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'nothing to change')
  .openapi('UpdateScene');
export type UpdateSceneInput = z.output<typeof UpdateSceneSchema>;

export const SceneIdParamsSchema = z.object({ id: z.string().min(1).max(36) });
