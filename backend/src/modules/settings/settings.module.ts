import type { Module } from '../../app';
import type { AppContext } from '../../app-context';
import type { JwtService } from '../auth/jwt.service';
import type { SmsCaps } from '../auth/auth.service';
import type { AuditSettingsPort } from '../tasks/task-ports';
import { settingsRoutes } from './settings.routes';
import { SettingsService } from './settings.service';

export interface SettingsApi {
  settings: SettingsService;
  /** The SMS caps in force (auth's sign-in limits). */
  smsCaps(): Promise<SmsCaps>;
  /** The content audit in force (the tasks' AuditSettingsPort). */
  audit: AuditSettingsPort;
}

/** Runtime settings (plan, deadlines, SMS caps, audit) that override env defaults; the console edits them. */
export function createSettingsModule(ctx: AppContext, deps: { jwt: JwtService }): Module<SettingsApi> {
  const settings = new SettingsService(ctx.db, ctx.config);
  return {
    name: 'settings',
    router: settingsRoutes(ctx, { jwt: deps.jwt, settings }),
    api: {
      settings,
      smsCaps: async () => ({
        perPhonePerDay: await settings.get('sms.per_phone_per_day'),
        dailyBudget: await settings.get('sms.daily_budget'),
        allowedCountryCodes: ctx.config.sms.allowedCountryCodes,
      }),
      audit: {
        current: async () => ({
          enabled: (await settings.get('audit.enabled')) === 1,
          threshold: await settings.get('audit.threshold'),
        }),
      },
    },
  };
}
