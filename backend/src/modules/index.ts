import type { Module } from '../app';
import type { AppContext } from '../app-context';
import { createAdminAuthModule } from './admin-auth/admin-auth.module';
import { createAdminTasksModule } from './admin-tasks/admin-tasks.module';
import { createAdminUsersModule } from './admin-users/admin-users.module';
import { requireUser, type ApiKeyResolver } from './auth/auth.middleware';
import { createAuthModule } from './auth/auth.module';
import { JwtService } from './auth/jwt.service';
import { createAutomationModule } from './automation/automation.module';
import { createBillingModule } from './billing/billing.module';
import { createCreditsModule } from './credits/credits.module';
import { createLedgerModule } from './ledger/ledger.module';
import { createMediaModule } from './media/media.module';
import { createMembershipModule } from './membership/membership.module';
import { createPaymentsModule } from './payments/payments.module';
import { createProfileModule } from './profile/profile.module';
import { createProgressModule } from './progress/progress.module';
import { createScenesModule } from './scenes/scenes.module';
import { createSettingsModule, type SettingsApi } from './settings/settings.module';
import { createStaticModule, defaultStaticApps } from './static/static.module';
import { createTaskTypesModule } from './task-types/task-types.module';
import { createTasksModule } from './tasks/tasks.module';
import { UsersRepository } from './users/users.repository';
import { createWechatLoginModule } from './wechat-login/wechat-login.module';

/**
 * The composition root: every module is built by its `create<Name>Module(ctx, deps)` and returns
 * `{ name, router?, start?, attach?, api }`; a module reaches another only through the `api` handed
 * to it here (constructor injection, no container). Modules are mounted in the order returned.
 */
export async function buildModules(ctx: AppContext): Promise<Module<object>[]> {
  const jwt = new JwtService(ctx.config.auth.jwtSecret, ctx.config.auth.jwtTtlSeconds);
  const users = new UsersRepository();
  // Runtime settings (plan, deadlines, SMS caps, audit) that override env defaults.
  const settings = createSettingsModule(ctx, { jwt });
  // Identity first: the auth router carries the app-wide /api/v1 rate limit.
  const auth = createAuthModule(ctx, { jwt, users, smsCaps: settings.api.smsCaps });
  const adminAuth = await createAdminAuthModule(ctx, { jwt });
  const wechat = createWechatLoginModule(ctx, { jwt, users, auth: auth.api.service });
  // Scene catalog + server-side prompts (the tasks' ScenePort); progress over /ws (their ProgressPort).
  const scenes = createScenesModule(ctx, { jwt });
  const progress = createProgressModule(ctx, { jwt });
  // Signing out everywhere also closes the merchant's progress sockets on every replica.
  auth.api.sessions.onEnded((userId) => progress.api.sockets.endSessions(userId));
  // Merchant automation: API keys (accepted beside the JWT on tasks, media and membership routes)
  // and signed webhooks, fed by the tasks; webhook bodies read the tasks back, once they exist.
  const automation = createAutomationModule(ctx, {
    jwt,
    tasks: { load: (userId, taskId) => tasks.api.view.load(userId, taskId) },
  });
  const apiKeys = automation.api.apiKeys;
  // Money: ledger, membership, payments, credits, billing, the console's money pages.
  const money = buildMoneyModules(ctx, { jwt, users, apiKeys, settings: settings.api.settings });
  // Media: uploads, STS, storage, ZIP downloads.
  const media = createMediaModule(ctx, { jwt, apiKeys });
  const profile = createProfileModule(ctx, { jwt, users, auth: auth.api, media: media.api });
  // Tasks: reserve → dispatch to n8n → settle from signed callbacks, with the neighbours above as ports.
  const tasks = createTasksModule(ctx, {
    ports: {
      ledger: money.ledger.api.ledger,
      membership: money.membership.api.membership,
      media: media.api.media,
      urls: media.api.storage,
      scenes: scenes.api.prompts,
      progress: progress.api.hub,
      events: automation.api.webhooks,
      audit: settings.api.audit,
    },
    requireUser: requireUser(jwt, apiKeys),
    zip: (res, fileName, entries) => media.api.zip.stream(res, fileName, entries),
  });
  const adminTasks = createAdminTasksModule(ctx, { jwt, urls: media.api.storage });
  const taskTypes = createTaskTypesModule(ctx, { jwt, tasks: tasks.api, media: media.api });
  return [
    auth,
    adminAuth,
    wechat,
    scenes,
    progress,
    ...money.modules,
    media,
    profile,
    tasks,
    automation,
    adminTasks,
    settings,
    taskTypes,
    // Last: the built portal and console, with client-side route fallback.
    createStaticModule(ctx, defaultStaticApps()),
  ];
}

/**
 * The money modules over one ledger, in dependency order (ledger, membership, payments, credits,
 * billing, the console's money pages), listed in the order they mount; also what the money tests
 * assemble. Membership and payments need each other: payments prices orders with membership's
 * plans, and buying a plan opens a payments order, so membership gets payments late-bound.
 */
export function buildMoneyModules(
  ctx: AppContext,
  deps: { jwt: JwtService; users: UsersRepository; apiKeys?: ApiKeyResolver; settings: SettingsApi['settings'] },
) {
  const { jwt, users, apiKeys, settings } = deps;
  const ledger = createLedgerModule(ctx);
  const membership = createMembershipModule(ctx, {
    jwt,
    users,
    apiKeys,
    settings,
    ledger: ledger.api.ledger,
    payments: {
      enabledChannels: () => payments.api.payments.enabledChannels(),
      purchase: (...args) => payments.api.payments.purchase(...args),
      pendingOrder: (...args) => payments.api.payments.pendingOrder(...args),
      getOrder: (...args) => payments.api.payments.getOrder(...args),
      closeOrder: (...args) => payments.api.payments.closeOrder(...args),
    },
  });
  const payments = createPaymentsModule(ctx, { ledger: ledger.api.ledger, plans: membership.api.plans });
  const money = { ledger: ledger.api.ledger, payments: payments.api.payments, orders: payments.api.orders };
  const credits = createCreditsModule(ctx, {
    jwt,
    users,
    apiKeys,
    settings,
    membership: membership.api.membership,
    ...money,
  });
  const billing = createBillingModule(ctx, { jwt, apiKeys, ...money });
  const adminUsers = createAdminUsersModule(ctx, { jwt, users, ...money });
  return {
    ledger,
    membership,
    payments,
    modules: [ledger, membership, payments, credits, billing, adminUsers] as Module<object>[],
  };
}
