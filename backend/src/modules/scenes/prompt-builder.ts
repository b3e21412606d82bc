import { randomInt } from 'node:crypto';
import type { Db } from '../../db/transaction';
import type { ScenesService } from './scenes.service';

/** The fixed shot list of a model_pose12 run (docs/architecture.md §9). */
export const MODEL_POSE12_POSES = [
  'front view',
  'side view',
  'back view',
  '3/4 view',
  'walking',
  'standing',
  'sitting',
  'dynamic poses',
  '12 shots',
] as const;

export const MODEL_POSE12_QUALITY = 'commercial quality, high resolution';

/** Seeds stay below 2^31 because RunningHub (ComfyUI) nodes take a signed 32-bit seed. */
const SEED_LIMIT = 2 ** 31;

/** A cryptographically random seed in [1, 2^31 - 1]; 0 is skipped as some nodes read it as "unset". */
export function randomSeed(): number {
  return randomInt(1, SEED_LIMIT);
}

/** Joins the parts with ", ", trimming each and dropping trailing punctuation operators may type. */
export function composeModelPose12Prompt(sceneFragment: string, categoryFragment: string): string {
  const clean = (part: string) => part.trim().replace(/[\s,.;，。；]+$/u, '');
  return [clean(sceneFragment), clean(categoryFragment), MODEL_POSE12_POSES.join(', '), MODEL_POSE12_QUALITY]
    .filter(Boolean)
    .join(', ');
}

/**
 * Builds generation prompts on the server. The prompt is business IP: it goes to n8n in the
 * signed dispatch and nowhere else — never into task params, API answers or logs.
 * Shaped as the tasks component's scene port (validate, prompt, seed), so it is passed as is.
 */
export class PromptBuilder {
  constructor(private readonly scenes: Pick<ScenesService, 'fragmentsFor' | 'assertValid'>) {}

  /** 400 VALIDATION_FAILED when the scene or the garment category is unknown or inactive. */
  assertValid(scene: string, category: string, db?: Db): Promise<void> {
    return this.scenes.assertValid(scene, category, db);
  }

  /** The model_pose12 prompt of a selection, validated like `assertValid`. */
  async buildPrompt(scene: string, category: string, db?: Db): Promise<string> {
    const fragments = await this.scenes.fragmentsFor(scene, category, db);
    return composeModelPose12Prompt(fragments.scene, fragments.category);
  }

  randomSeed(): number {
    return randomSeed();
  }
}
