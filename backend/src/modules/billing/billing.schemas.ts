import { z } from 'zod';
import '../../openapi/registry';
import { OrderView } from '../membership/membership.schemas';

export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100).default(20),
});

export const MyOrdersPage = z
  .object({ items: z.array(OrderView), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() })
  .openapi('MyOrdersPage');

export const Receipt = OrderView.extend({
  outTradeNo: z.string(),
  transactionId: z.string().nullable(),
}).openapi('Receipt');

/** Where a ledger row came from, so the portal can name it and link it. */
export const LedgerSource = z.enum(['membership', 'pack', 'checkin', 'invite', 'task', 'refund', 'expire', 'adjust']);

export const MyLedgerEntry = z
  .object({
    id: z.string(),
    kind: z.enum(['grant', 'reserve', 'refund', 'expire', 'adjust']),
    source: LedgerSource,
    delta: z.number().int(),
    balanceAfter: z.number().int(),
    taskId: z.string().nullable(),
    orderId: z.string().nullable(),
    reason: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('MyLedgerEntry');

export const MyLedgerPage = z
  .object({
    items: z.array(MyLedgerEntry),
    total: z.number().int(),
    page: z.number().int(),
    pageSize: z.number().int(),
  })
  .openapi('MyLedgerPage');
