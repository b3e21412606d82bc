import { posix } from 'node:path';
import { z } from 'zod';
import { CosError } from '../cos/cos-errors';

const picOperationsSchema = z.object({
  is_pic_info: z.union([z.literal(0), z.literal(1)]).optional(),
  rules: z
    .array(z.object({ fileid: z.string().min(1), rule: z.string().min(1) }))
    .min(1)
    .max(5),
});

export type PicOperations = z.infer<typeof picOperationsSchema>;

/** Parses the `Pic-Operations` header (JSON, up to 5 rules) or throws COS's 400. */
export function parsePicOperations(header: string | undefined): PicOperations {
  if (!header) throw new CosError(400, 'InvalidArgument', 'Pic-Operations header is required');
  let json: unknown;
  try {
    json = JSON.parse(header);
  } catch {
    throw new CosError(400, 'InvalidArgument', 'Pic-Operations is not valid JSON');
  }
  const parsed = picOperationsSchema.safeParse(json);
  if (!parsed.success) {
    throw new CosError(
      400,
      'InvalidArgument',
      `Pic-Operations is invalid: ${parsed.error.issues[0]?.message ?? 'bad shape'}`,
    );
  }
  return parsed.data;
}

/**
 * Where a rule's result is written: a `fileid` starting with `/` is a key from the bucket
 * root; otherwise it is relative to the source object's folder (COS semantics).
 */
export function resolveFileId(sourceKey: string, fileid: string): string {
  if (fileid.startsWith('/')) return fileid.replace(/^\/+/, '');
  const dir = posix.dirname(sourceKey);
  return dir === '.' ? fileid : `${dir}/${fileid}`;
}
