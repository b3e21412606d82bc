import { z } from 'zod';
import '../../openapi/registry';

export const MeSchema = z
  .object({
    id: z.string(),
    phone: z.string(),
    nickname: z.string().nullable(),
    isMember: z.boolean(),
    quotaRemaining: z.number().int(),
    quotaExpireAt: z.string().nullable(),
    avatarUrl: z.string().nullable().openapi({ description: 'The profile picture, a path on this server' }),
  })
  .openapi('Me');
