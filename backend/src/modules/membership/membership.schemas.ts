import { z } from 'zod';
import '../../openapi/registry';

export const PlanSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    priceFen: z.number().int(),
    credits: z.number().int(),
    days: z.number().int(),
  })
  .openapi('Plan');

export const PlansResponse = z.object({ plans: z.array(PlanSchema) }).openapi('Plans');

export const ChannelSchema = z.enum(['wechat', 'alipay', 'sandbox']);

export const PurchaseBody = z
  .object({ planId: z.string().max(32).optional(), channel: ChannelSchema })
  .openapi('PurchaseRequest');

export const PurchaseResponse = z
  .object({
    orderId: z.string(),
    outTradeNo: z.string(),
    amountFen: z.number().int(),
    channel: ChannelSchema,
    payParams: z.record(z.string(), z.unknown()),
  })
  .openapi('PurchaseResponse');

export const OrderView = z
  .object({
    id: z.string(),
    status: z.enum(['pending', 'paid', 'closed', 'failed']),
    amountFen: z.number().int(),
    channel: ChannelSchema,
    planId: z.string(),
    createdAt: z.string(),
    paidAt: z.string().nullable(),
  })
  .openapi('Order');
