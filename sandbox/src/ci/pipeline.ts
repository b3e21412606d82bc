import sharp, { type Sharp } from 'sharp';
import { CosError } from '../cos/cos-errors';
import { matteBackdrop, opaqueBounds, type Rgb, type RgbaImage } from './matting';
import type { ImageFormat, RuleStep } from './rules';

/** The image between steps: raw RGBA plus how it will be encoded at the end. */
interface WorkingImage extends RgbaImage {
  format: ImageFormat;
  quality: number;
  /** What transparent pixels become in a JPEG: white, or the colour of a `pad` step. */
  background?: Rgb;
}

export interface ProcessedImage {
  body: Buffer;
  format: ImageFormat;
  width: number;
  height: number;
  contentType: string;
}

const CONTENT_TYPES: Record<ImageFormat, string> = { jpg: 'image/jpeg', png: 'image/png', webp: 'image/webp' };
const WHITE = { r: 255, g: 255, b: 255, alpha: 1 };
const TRANSPARENT = { r: 0, g: 0, b: 0, alpha: 0 };
/** CI's default output quality when a rule does not name one. */
const DEFAULT_QUALITY = 85;

async function toRaw(pipeline: Sharp): Promise<RgbaImage> {
  const { data, info } = await pipeline.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

function fromRaw(img: RgbaImage): Sharp {
  return sharp(img.data, { raw: { width: img.width, height: img.height, channels: 4 } });
}

function formatOf(sharpFormat: string | undefined): ImageFormat {
  if (sharpFormat === 'png' || sharpFormat === 'webp') return sharpFormat;
  return 'jpg';
}

/** Source image facts reported in `OriginalInfo.ImageInfo`. */
export async function describeImage(
  body: Buffer,
): Promise<{ format: string; width: number; height: number; orientation: number }> {
  const meta = await sharp(body)
    .metadata()
    .catch(() => {
      throw new CosError(400, 'InvalidImageFormat', 'The source object is not a supported image.');
    });
  return {
    format: meta.format ?? 'unknown',
    width: meta.width ?? 0,
    height: meta.height ?? 0,
    orientation: meta.orientation ?? 1,
  };
}

async function centerSubject(img: RgbaImage, padding: { x: number; y: number } = { x: 0, y: 0 }): Promise<RgbaImage> {
  const box = opaqueBounds(img);
  if (!box) return img;
  const maxW = Math.max(1, img.width - 2 * padding.x);
  const maxH = Math.max(1, img.height - 2 * padding.y);
  let subject = fromRaw(img).extract(box);
  let { width, height } = box;
  if (width > maxW || height > maxH) {
    const scale = Math.min(maxW / width, maxH / height);
    width = Math.max(1, Math.floor(width * scale));
    height = Math.max(1, Math.floor(height * scale));
    subject = sharp(await subject.png().toBuffer()).resize(width, height, { fit: 'fill' });
  }
  const left = Math.floor((img.width - width) / 2);
  const top = Math.floor((img.height - height) / 2);
  const placed = sharp({
    create: { width: img.width, height: img.height, channels: 4, background: TRANSPARENT },
  }).composite([{ input: await subject.png().toBuffer(), left, top }]);
  return toRaw(placed);
}

async function applyStep(img: WorkingImage, step: RuleStep): Promise<WorkingImage> {
  switch (step.op) {
    case 'auto-orient':
      return img; // applied while decoding: it needs the EXIF orientation of the source bytes
    case 'view': {
      const fit = step.mode === 1 ? 'cover' : 'inside';
      const resized = await toRaw(fromRaw(img).resize(step.width, step.height, { fit, position: 'centre' }));
      return { ...img, ...resized };
    }
    case 'matting': {
      const matte = matteBackdrop(img);
      const laidOut = step.centerLayout ? await centerSubject(matte, step.padding) : matte;
      return { ...laidOut, format: 'png', quality: img.quality };
    }
    case 'thumbnail': {
      const fitted = await toRaw(fromRaw(img).resize(step.width, step.height, { fit: 'inside' }));
      if (!step.pad) return { ...img, ...fitted };
      const [r, g, b] = step.color;
      const left = Math.floor((step.width - fitted.width) / 2);
      const top = Math.floor((step.height - fitted.height) / 2);
      const padded = await toRaw(
        fromRaw(fitted).extend({
          left,
          top,
          right: step.width - fitted.width - left,
          bottom: step.height - fitted.height - top,
          background: { r, g, b, alpha: 1 },
        }),
      );
      // Assumed (UNVERIFIED live, docs/vendor-facts.md): the pad colour also fills transparency in a JPEG.
      return { ...img, ...padded, background: step.color };
    }
    case 'format':
      return { ...img, format: step.format };
    case 'quality':
      return { ...img, quality: step.quality };
  }
}

async function encode(img: WorkingImage): Promise<Buffer> {
  const base = fromRaw(img);
  if (img.format === 'png') return base.png().toBuffer();
  if (img.format === 'webp') return base.webp({ quality: img.quality }).toBuffer();
  // JPEG has no alpha: transparent (matted-out) pixels become white, as COS does when
  // converting a matted PNG to JPEG.
  const background = img.background ? { r: img.background[0], g: img.background[1], b: img.background[2] } : WHITE;
  return base.flatten({ background }).jpeg({ quality: img.quality }).toBuffer();
}

/** Runs parsed rule steps on real pixels with sharp. */
export async function runSteps(source: Buffer, steps: RuleStep[]): Promise<ProcessedImage> {
  const meta = await describeImage(source);
  let decoder = sharp(source);
  // Auto-orient works from the source's EXIF, so it is applied while decoding, and only
  // when it comes before any geometric step (afterwards the orientation no longer applies).
  const orientAt = steps.findIndex((s) => s.op === 'auto-orient');
  const firstGeometric = steps.findIndex((s) => s.op === 'view' || s.op === 'matting' || s.op === 'thumbnail');
  if (orientAt >= 0 && (firstGeometric < 0 || orientAt < firstGeometric)) decoder = decoder.autoOrient();
  let img: WorkingImage = { ...(await toRaw(decoder)), format: formatOf(meta.format), quality: DEFAULT_QUALITY };
  for (const step of steps) img = await applyStep(img, step);
  const body = await encode(img);
  return { body, format: img.format, width: img.width, height: img.height, contentType: CONTENT_TYPES[img.format] };
}
