import { ValidationError } from '../../../errors/app-error';
import { composeModelPose12Prompt, MODEL_POSE12_POSES, PromptBuilder, randomSeed } from '../prompt-builder';

const fragments: Record<string, string> = {
  studio: 'professional photo studio, clean white background',
  dress: 'model wearing the dress from the reference image',
};

/** Stands in for the catalog: known codes answer their fragment, anything else is refused like the real service. */
const fakeCatalog = {
  async fragmentsFor(scene: string, category: string) {
    if (!fragments[scene] || !fragments[category]) throw new ValidationError('Unknown or inactive scene or category');
    return { scene: fragments[scene], category: fragments[category] };
  },
  async assertValid(scene: string, category: string) {
    await this.fragmentsFor(scene, category);
  },
};

describe('the model_pose12 prompt', () => {
  it('is scene fragment, category fragment, the fixed pose list, then the quality terms, in that order', () => {
    const prompt = composeModelPose12Prompt('urban street, natural light', 'model wearing the coat');
    expect(prompt).toBe(
      'urban street, natural light, model wearing the coat, front view, side view, back view, 3/4 view, walking, standing, sitting, dynamic poses, 12 shots, commercial quality, high resolution',
    );
  });

  it('names every pose of the product documents', () => {
    expect([...MODEL_POSE12_POSES]).toEqual([
      'front view',
      'side view',
      'back view',
      '3/4 view',
      'walking',
      'standing',
      'sitting',
      'dynamic poses',
      '12 shots',
    ]);
  });

  it('drops trailing punctuation and blanks operators leave in fragments', () => {
    const prompt = composeModelPose12Prompt('  garden, natural light,  ', '模特穿着外套。');
    expect(prompt.startsWith('garden, natural light, 模特穿着外套, front view')).toBe(true);
    expect(prompt).not.toMatch(/,\s*,/);
  });

  it('is built from the catalog fragments of the selected codes', async () => {
    const prompt = await new PromptBuilder(fakeCatalog).buildPrompt('studio', 'dress');
    expect(prompt).toBe(composeModelPose12Prompt(fragments.studio, fragments.dress));
  });

  it('refuses an unknown code with VALIDATION_FAILED, when validating and when building', async () => {
    const builder = new PromptBuilder(fakeCatalog);
    for (const attempt of [builder.buildPrompt('moon', 'dress'), builder.assertValid('studio', 'spacesuit')]) {
      await expect(attempt).rejects.toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
    }
  });
});

describe('randomSeed', () => {
  it('gives positive 31-bit integers that differ between runs', () => {
    const seeds = Array.from({ length: 200 }, () => randomSeed());
    for (const seed of seeds) {
      expect(Number.isInteger(seed)).toBe(true);
      expect(seed).toBeGreaterThanOrEqual(1);
      expect(seed).toBeLessThanOrEqual(2 ** 31 - 1);
    }
    // 200 draws from 2^31 values collide with negligible probability; equal values mean a broken source.
    expect(new Set(seeds).size).toBe(seeds.length);
    expect(new PromptBuilder(fakeCatalog).randomSeed()).toBeLessThan(2 ** 31);
  });
});
