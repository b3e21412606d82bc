import type { Module } from '../../app';
import type { AppContext } from '../../app-context';
import type { JwtService } from '../auth/jwt.service';
import { PromptBuilder } from './prompt-builder';
import { scenesRoutes } from './scenes.routes';
import { ScenesService } from './scenes.service';

export interface ScenesApi {
  scenes: ScenesService;
  /** The tasks' ScenePort: assertValid, buildPrompt (server-side prompts), randomSeed. */
  prompts: PromptBuilder;
}

/** The scene catalog (public list, console CRUD) and the prompts built from it. */
export function createScenesModule(
  ctx: AppContext,
  deps: { jwt: JwtService; scenes?: ScenesService },
): Module<ScenesApi> {
  const scenes = deps.scenes ?? new ScenesService(ctx.db);
  return {
    name: 'scenes',
    router: scenesRoutes(ctx, { scenes, jwt: deps.jwt }),
    api: { scenes, prompts: new PromptBuilder(scenes) },
  };
}
