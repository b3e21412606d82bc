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
  })
  .openapi('Me');
