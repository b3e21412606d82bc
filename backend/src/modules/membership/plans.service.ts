import type { DataSource } from 'typeorm';
import type { AppConfig } from '../../config/config';
import { rows } from '../../db/transaction';

export interface Plan {
  id: string;
  name: string;
  priceFen: number;
  credits: number;
  days: number;
}

/** The one plan sold today; its id is stored on orders so more plans can be added later. */
export const MONTHLY_PLAN_ID = 'monthly';

const SETTING_KEYS = { credits: 'plan.monthly_quota', priceFen: 'plan.price_fen', days: 'plan.days' } as const;

/**
 * Plans from config, each value overridable at runtime by the `settings` table (the admin
 * console writes it), read fresh so a price change applies to the next purchase.
 */
export class PlansService {
  constructor(private readonly ds: DataSource, private readonly defaults: AppConfig['plan']) {}

  async list(): Promise<Plan[]> {
    return [await this.monthly()];
  }

  /** The plan for `planId` (default: monthly), or null when there is no such plan. */
  async find(planId: string = MONTHLY_PLAN_ID): Promise<Plan | null> {
    return planId === MONTHLY_PLAN_ID ? this.monthly() : null;
  }

  private async monthly(): Promise<Plan> {
    // `key` is a reserved word in MySQL; backticks also work in SQLite.
    const found = await rows<{ key: string; value: string }>(this.ds.manager, 'SELECT `key`, `value` FROM settings WHERE `key` IN (?, ?, ?)', Object.values(SETTING_KEYS));
    const setting = (key: string, fallback: number) => {
      const n = Number(found.find((r) => r.key === key)?.value);
      return Number.isInteger(n) && n > 0 ? n : fallback;
    };
    return {
      id: MONTHLY_PLAN_ID,
      name: 'Monthly membership',
      priceFen: setting(SETTING_KEYS.priceFen, this.defaults.priceFen),
      credits: setting(SETTING_KEYS.credits, this.defaults.monthlyQuota),
      days: setting(SETTING_KEYS.days, this.defaults.days),
    };
  }
}
