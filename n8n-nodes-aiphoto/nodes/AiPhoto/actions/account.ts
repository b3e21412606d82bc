import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import { accountRequest } from '../../../transport/account-api';

interface Me {
  id: string;
  isMember: boolean;
  quotaRemaining: number;
  quotaExpireAt: string | null;
}

const me = (ctx: IExecuteFunctions, i: number) =>
  accountRequest<Me>(ctx, { method: 'GET', path: '/api/v1/membership/status', itemIndex: i });

/** Account → Get Balance: credits left and when they lapse. */
export async function getBalance(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
  const status = await me(this, i);
  return [{ json: { credits: status.quotaRemaining, expiresAt: status.quotaExpireAt, isMember: status.isMember } }];
}

/** Account → Get Membership: the membership state as AI Photo reports it. */
export async function getMembership(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
  return [{ json: { ...(await me(this, i)) } }];
}
