import sharp from 'sharp';
import { runSteps, type ProcessedImage } from './pipeline';
import type { RuleStep } from './rules';

/**
 * How CI computes results: `pixels` runs every rule on the stored image (the default);
 * `precomputed` answers each distinct rule with one result computed once on a fixed reference
 * photo, so a benchmark measures the platform's own cost rather than the stand-in's image work.
 * The protocol (keys written, UploadResult, sizes, ETags) is the same in both modes.
 */
export type CiMode = 'pixels' | 'precomputed';

export const CI_MODES: readonly CiMode[] = ['pixels', 'precomputed'];

/** A 900×1000 garment on a grey backdrop: the same kind of photo merchants upload. */
async function referencePhoto(): Promise<Buffer> {
  const garment = await sharp({ create: { width: 360, height: 460, channels: 3, background: '#be1e28' } })
    .png()
    .toBuffer();
  return sharp({ create: { width: 900, height: 1000, channels: 3, background: '#b0b2b4' } })
    .composite([{ input: garment, left: 270, top: 270 }])
    .jpeg()
    .toBuffer();
}

/** Results by rule, each computed on first use and answered from memory afterwards. */
export class PrecomputedResults {
  private readonly byRule = new Map<string, Promise<ProcessedImage>>();
  private reference: Promise<Buffer> | undefined;

  /** The result of `steps` (already parsed and validated) on the reference photo. */
  resultOf(steps: RuleStep[]): Promise<ProcessedImage> {
    const key = JSON.stringify(steps);
    let result = this.byRule.get(key);
    if (!result) {
      this.reference ??= referencePhoto();
      result = this.reference.then((photo) => runSteps(photo, steps));
      // A failed computation is not remembered, so the next call tries again.
      result.catch(() => this.byRule.delete(key));
      this.byRule.set(key, result);
    }
    return result;
  }

  /** How many distinct rules have been computed (tests prove the cache is used). */
  get size(): number {
    return this.byRule.size;
  }
}
