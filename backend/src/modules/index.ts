import type { AppModule } from '../app';
import type { AppContext } from '../app-context';
import { createAdminAuthModule } from './admin-auth/admin-auth.module';
import { createAuthModule } from './auth/auth.module';
import { JwtService } from './auth/jwt.service';
import { createMediaModule } from './media/media.module';
import { ProgressHub } from './progress/progress-hub';
import { progressModule } from './progress/progress.module';
import { PromptBuilder } from './scenes/prompt-builder';
import { scenesModule } from './scenes/scenes.routes';
import { ScenesService } from './scenes/scenes.service';
import { UsersRepository } from './users/users.repository';

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
  void prompts; // until the tasks module is wired: createTasks(..., { scenes: prompts, progress })
  // Progress fan-out (the tasks' ProgressPort): publish anywhere, delivered over /ws on any replica.
  const progress = new ProgressHub(ctx.kv, ctx.logger);
  const catalogAndProgress: AppModule[] = [scenesModule(ctx, { scenes, jwt }), progressModule(ctx, { hub: progress, jwt })];
  // Identity first: the auth router carries the app-wide /api/v1 rate limit.
  const identity: AppModule[] = [createAuthModule(ctx, { jwt, users }), await createAdminAuthModule(ctx, { jwt })];
  // Media: uploads, STS, storage. Tasks use media.media.assertOwnedInput, media.storage.signedUrl
  // and media.zip.stream for downloads.
  const media = createMediaModule(ctx, { jwt });
  return [...identity, ...catalogAndProgress, media.module];
}
