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

/** The model_pose12 prompt as a template (the seeded `task_types.prompt_template` of that type). */
export const MODEL_POSE12_TEMPLATE = `{scene}, {category}, ${MODEL_POSE12_POSES.join(', ')}, ${MODEL_POSE12_QUALITY}`;

/**
 * Fills `{scene}` and `{category}` with the catalog's fragments, trimming each and dropping the
 * trailing punctuation operators may type, and joins the comma-separated parts with ", " without
 * empty ones.
 */
export function fillPromptTemplate(template: string, fragments: { scene?: string; category?: string }): string {
  const clean = (part: string) => part.trim().replace(/[\s,.;，。；]+$/u, '');
  return template
    .replace(/\{(scene|category)\}/g, (_, name: 'scene' | 'category') => clean(fragments[name] ?? ''))
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .join(', ');
}

/** Scene fragment, category fragment, the fixed pose list, then the quality terms. */
export function composeModelPose12Prompt(sceneFragment: string, categoryFragment: string): string {
  return fillPromptTemplate(MODEL_POSE12_TEMPLATE, { scene: sceneFragment, category: categoryFragment });
}

/**
 * Builds generation prompts on the server. The prompt is business IP: it goes to n8n in the
 * signed dispatch and nowhere else — never into task params, API answers or logs.
 * Shaped as the tasks component's scene port (validate, prompt, seed), so it is passed as is.
 */
export class PromptBuilder {
  constructor(private readonly scenes: Pick<ScenesService, 'fragmentsFor' | 'assertValid'>) {}

  /** 400 VALIDATION_FAILED when the scene or the garment category is unknown or inactive. */
  assertValid(scene: string | undefined, category: string | undefined, db?: Db): Promise<void> {
    return this.scenes.assertValid(scene, category, db);
  }

  /** A task type's prompt (model_pose12's by default) for a selection, validated like `assertValid`. */
  async buildPrompt(
    scene: string | undefined,
    category: string | undefined,
    template: string = MODEL_POSE12_TEMPLATE,
    db?: Db,
  ): Promise<string> {
    return fillPromptTemplate(template, await this.scenes.fragmentsFor(scene, category, db));
  }

  randomSeed(): number {
    return randomSeed();
  }
}
