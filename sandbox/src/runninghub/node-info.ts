import { z } from 'zod';

export const nodeInfoSchema = z.object({
  nodeId: z.union([z.string().min(1), z.number()]).transform(String),
  fieldName: z.string().min(1),
  fieldValue: z.union([z.string(), z.number(), z.boolean()]).transform(String),
});

export const runRequestSchema = z.object({
  apiKey: z.string(),
  webappId: z.union([z.string().min(1), z.number()]).transform(String),
  nodeInfoList: z.array(nodeInfoSchema).min(1),
  webhookUrl: z.url().optional(),
  instanceType: z.string().optional(),
});

export type NodeInfo = z.infer<typeof nodeInfoSchema>;
export type RunRequest = z.infer<typeof runRequestSchema>;

/** File names handed out by `/task/openapi/upload` (usable as a fieldValue). */
export const UPLOADED_NAME = /^api\/[0-9a-f]{64}\.(png|jpg|jpeg|webp)$/;

/**
 * Finds the reference image among the inputs: a field named like `image`, otherwise the
 * first value that is a URL or an uploaded file name. The node id is not fixed because
 * operators change it with the AI app (defaults `10/image`).
 */
export function findImageInput(list: NodeInfo[]): NodeInfo | undefined {
  const looksLikeImage = (v: string) => /^https?:\/\//i.test(v) || UPLOADED_NAME.test(v);
  return (
    list.find((n) => /image/i.test(n.fieldName) && looksLikeImage(n.fieldValue)) ??
    list.find((n) => looksLikeImage(n.fieldValue))
  );
}

/** A numeric seed field, if any, makes the generated crops vary between runs as the real app does. */
export function findSeed(list: NodeInfo[]): number {
  const seed = list.find((n) => /seed/i.test(n.fieldName));
  const value = seed ? Number(seed.fieldValue) : 0;
  return Number.isFinite(value) ? Math.abs(Math.trunc(value)) : 0;
}
