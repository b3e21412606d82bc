import type { AppModule } from '../app';
import type { AppContext } from '../app-context';
import { AdminTasksRepository } from './admin-tasks/admin-tasks.repository';
import { adminTasksRoutes } from './admin-tasks/admin-tasks.routes';
import { AdminTasksService } from './admin-tasks/admin-tasks.service';
import { createAdminAuthModule } from './admin-auth/admin-auth.module';
import { createAuthModule } from './auth/auth.module';
import { createAutomation, taskView } from './automation/automation.module';
import { requireUser } from './auth/auth.middleware';
import { JwtService } from './auth/jwt.service';
import { createMediaModule } from './media/media.module';
import { N8nExecutions } from './n8n/n8n-executions';
import { createMoney } from './payments/money.module';
import { ProgressHub } from './progress/progress-hub';
import { progressModule } from './progress/progress.module';
import { profileRoutes } from './profile/profile.routes';
import { ProfileService } from './profile/profile.service';
import { PromptBuilder } from './scenes/prompt-builder';
import { scenesModule } from './scenes/scenes.routes';
import { ScenesService } from './scenes/scenes.service';
import { settingsRoutes } from './settings/settings.routes';
import { SettingsService } from './settings/settings.service';
import { defaultStaticApps, staticModule } from './static/static.module';
import { adminTaskTypeRoutes } from './task-types/task-types.routes';
import { TestRunsService } from './task-types/test-runs.service';
import { tasksModule } from './tasks/tasks.module';
import { UsersRepository } from './users/users.repository';
import { WechatApi } from './wechat-login/wechat-api';
import { WechatIdentitiesRepository } from './wechat-login/wechat-identities.repository';
import { wechatLoginSettings } from './wechat-login/wechat-login.config';
import { wechatLoginRoutes } from './wechat-login/wechat-login.routes';
import { WechatLoginService } from './wechat-login/wechat-login.service';

/**
 * The composition root: builds the shared services once and hands each module the
 * collaborators it needs (constructor injection, no container). Modules are mounted in
 * the order returned.
 */
export async function buildModules(ctx: AppContext): Promise<AppModule[]> {
  const jwt = new JwtService(ctx.config.auth.jwtSecret, ctx.config.auth.jwtTtlSeconds);
  const users = new UsersRepository();
  // Scene catalog + server-side prompts; `prompts` is the tasks' ScenePort (assertValid, buildPrompt, randomSeed).
  const scenes = new ScenesService(ctx.db);
  const prompts = new PromptBuilder(scenes);
  // Progress fan-out (the tasks' ProgressPort): publish anywhere, delivered over /ws on any replica.
  const progress = new ProgressHub(ctx.kv, ctx.logger);
  const progressSockets = progressModule(ctx, { hub: progress, jwt });
  const catalogAndProgress: AppModule[] = [scenesModule(ctx, { scenes, jwt }), progressSockets];
  // Runtime settings (plan, deadlines, SMS caps) that override env defaults; the console edits them.
  const settings = new SettingsService(ctx.db, ctx.config);
  const smsCaps = async () => ({
    perPhonePerDay: await settings.get('sms.per_phone_per_day'),
    dailyBudget: await settings.get('sms.daily_budget'),
    allowedCountryCodes: ctx.config.sms.allowedCountryCodes,
  });
  // Identity first: the auth router carries the app-wide /api/v1 rate limit.
  const auth = createAuthModule(ctx, { jwt, users, smsCaps });
  // WeChat sign-in (website QR login, mini-program), each WeChat person linked to one phone account.
  const wechatLogger = ctx.logger.child({ component: 'wechat-login' });
  const wechat: AppModule = {
    name: 'wechat-login',
    router: wechatLoginRoutes(ctx, {
      jwt,
      kv: ctx.kv,
      service: new WechatLoginService({
        ds: ctx.db,
        kv: ctx.kv,
        users,
        identities: new WechatIdentitiesRepository(),
        auth: auth.service,
        settings: wechatLoginSettings(ctx.config),
        api: (apiUrl) => new WechatApi(apiUrl, wechatLogger),
        logger: wechatLogger,
      }),
    }),
  };
  const identity: AppModule[] = [auth, await createAdminAuthModule(ctx, { jwt }), wechat];
  // Signing out everywhere also closes the merchant's progress sockets on every replica.
  auth.sessions.onEnded((userId) => progressSockets.sockets.endSessions(userId));
  // Merchant automation: API keys (accepted beside the JWT on tasks, media and membership
  // routes) and signed webhooks, which tasks feed through their events port.
  const automation = createAutomation(ctx, { jwt });
  const apiKeys = automation.apiKeys;
  // Money: ledger, membership, payments, admin money API. Tasks call money.ledger.reserve/refund
  // and money.membership.ensureCurrent.
  const money = createMoney(ctx, { jwt, users, apiKeys, settings });
  // Media: uploads, STS, storage. Tasks use media.media.assertOwnedInput, media.storage.signedUrl
  // and media.zip.stream for downloads.
  const media = createMediaModule(ctx, { jwt, apiKeys });
  // Canceling a task stops its n8n execution, with the n8n owner's login (no login: nothing is stopped).
  const { baseUrl: n8nUrl, owner: n8nOwner } = ctx.config.n8n;
  const executions =
    n8nUrl && n8nOwner ? new N8nExecutions({ baseUrl: n8nUrl, owner: n8nOwner }, ctx.logger) : undefined;
  if (n8nUrl && !executions)
    ctx.logger.warn('N8N_OWNER_EMAIL/N8N_OWNER_PASSWORD unset: canceling a task will not stop its n8n execution');
  // The merchant's profile: nickname, picture, phone change, sign out everywhere.
  const profile: AppModule = {
    name: 'profile',
    router: profileRoutes(ctx, {
      jwt,
      slots: media.media.slots,
      profile: new ProfileService({
        ds: ctx.db,
        users,
        auth: auth.service,
        sessions: auth.sessions,
        storage: media.storage,
        logger: ctx.logger.child({ component: 'profile' }),
      }),
    }),
  };
  // Tasks: reserve → dispatch to n8n → settle from signed callbacks, with the neighbours above as ports.
  const tasks = tasksModule(
    ctx,
    {
      ledger: money.ledger,
      membership: money.membership,
      media: media.media,
      urls: media.storage,
      scenes: prompts,
      progress,
      events: automation.webhooks,
      executions,
      audit: {
        current: async () => ({
          enabled: (await settings.get('audit.enabled')) === 1,
          threshold: await settings.get('audit.threshold'),
        }),
      },
    },
    requireUser(jwt, apiKeys),
    (res, fileName, entries) => media.zip.stream(res, fileName, entries),
  );
  const automationModule = automation.module(taskView(ctx, tasks.repository, media.storage));
  const adminTasks: AppModule = {
    name: 'admin-tasks',
    router: adminTasksRoutes(ctx, {
      jwt,
      service: new AdminTasksService({
        db: ctx.db,
        repository: new AdminTasksRepository(),
        urls: media.storage,
        editorUrl: ctx.config.n8n.editorUrl,
        resultUrlTtlSeconds: ctx.config.tasks.resultUrlTtlSeconds,
      }),
    }),
  };
  const adminSettings: AppModule = { name: 'settings', router: settingsRoutes(ctx, { jwt, settings }) };
  // Task types as data: the console registers products (the public list is on the tasks router)
  // and tries them with test runs, tasks of the system test account that charge no one.
  const testRuns = new TestRunsService({
    ds: ctx.db,
    types: tasks.types,
    tasks: tasks.service,
    repository: tasks.repository,
    media: media.media,
    urls: media.storage,
    editorUrl: ctx.config.n8n.editorUrl,
    urlTtlSeconds: ctx.config.tasks.resultUrlTtlSeconds,
  });
  const adminTaskTypes: AppModule = {
    name: 'admin-task-types',
    router: adminTaskTypeRoutes(ctx, {
      jwt,
      types: tasks.types,
      testRuns: { service: testRuns, uploadMaxBytes: ctx.config.storage.uploadMaxBytes, slots: media.media.slots },
    }),
  };
  // Last: the built portal and console, with client-side route fallback.
  return [
    ...identity,
    ...catalogAndProgress,
    ...money.modules,
    media.module,
    profile,
    tasks,
    automationModule,
    adminTasks,
    adminSettings,
    adminTaskTypes,
    staticModule(defaultStaticApps()),
  ];
}
