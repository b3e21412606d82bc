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
export const SceneSchema = z.enum(['native', 'h5', 'jsapi', 'page', 'wap', 'qr']);

export const ChannelsResponse = z
  .object({
    channels: z.array(z.object({ channel: ChannelSchema, scenes: z.array(SceneSchema) })),
    payTimeoutSeconds: z.number().int(),
  })
  .openapi('PaymentChannels');

/** What every purchase (membership or credit pack) names: how to pay. */
export const PayWith = z.object({
  channel: ChannelSchema,
  scene: SceneSchema.optional().openapi({
    description: 'wechat: native (QR) | h5 (phone browser) | jsapi (WeChat client); alipay: page | wap | qr',
  }),
  openid: z.string().min(1).max(128).optional().openapi({ description: 'jsapi: the payer openid' }),
});

export const PurchaseBody = PayWith.extend({ planId: z.string().max(32).optional() }).openapi('PurchaseRequest');

export const PurchaseResponse = z
  .object({
    orderId: z.string(),
    outTradeNo: z.string(),
    amountFen: z.number().int(),
    channel: ChannelSchema,
    payParams: z.record(z.string(), z.unknown()),
    resumed: z.boolean().openapi({
      description: 'true when an earlier pending order for the same thing, channel and scene was answered again',
    }),
  })
  .openapi('PurchaseResponse');

export const OrderView = z
  .object({
    id: z.string(),
    status: z.enum(['pending', 'paid', 'closed', 'failed']),
    amountFen: z.number().int(),
    channel: ChannelSchema,
    planId: z.string(),
    item: z
      .discriminatedUnion('kind', [
        z.object({ kind: z.literal('membership'), planId: z.string() }),
        z.object({ kind: z.literal('pack'), packId: z.string(), name: z.string(), credits: z.number().int() }),
      ])
      .openapi('OrderItem'),
    createdAt: z.string(),
    paidAt: z.string().nullable(),
    expiresAt: z.string(),
  })
  .openapi('Order');

/** The merchant's newest order still payable where it was started, to resume after a reload. */
export const PendingOrderResponse = z
  .object({
    pending: z
      .object({ order: OrderView, scene: SceneSchema, payParams: z.record(z.string(), z.unknown()) })
      .nullable(),
  })
  .openapi('PendingOrder');
