export interface Plan {
  id: string;
  name: string;
  priceFen: number;
  credits: number;
  days: number;
}

/** The one plan sold today; its id is stored on orders so more plans can be added later. */
export const MONTHLY_PLAN_ID = 'monthly';

/** Where the monthly plan's values come from: runtime settings over env defaults (settings module). */
export interface PlanSettings {
  get(key: 'plan.monthly_quota' | 'plan.price_fen' | 'plan.days'): Promise<number>;
}

/**
 * Plans from config, each value overridable at runtime by the `settings` table (the admin
 * console writes it), read fresh so a price change applies to the next purchase.
 */
export class PlansService {
  constructor(private readonly settings: PlanSettings) {}

  async list(): Promise<Plan[]> {
    return [await this.monthly()];
  }

  /** The plan for `planId` (default: monthly), or null when there is no such plan. */
  async find(planId: string = MONTHLY_PLAN_ID): Promise<Plan | null> {
    return planId === MONTHLY_PLAN_ID ? this.monthly() : null;
  }

  private async monthly(): Promise<Plan> {
    const [priceFen, credits, days] = await Promise.all([
      this.settings.get('plan.price_fen'),
      this.settings.get('plan.monthly_quota'),
      this.settings.get('plan.days'),
    ]);
    return { id: MONTHLY_PLAN_ID, name: 'Monthly membership', priceFen, credits, days };
  }
}
