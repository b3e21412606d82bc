import { createHash } from 'node:crypto';
import sharp, { type Sharp } from 'sharp';
import { findImageInput, findSeed, UPLOADED_NAME, type NodeInfo } from './node-info';
import { generatePoseImages } from './pose-images';

/**
 * The AI apps the sandbox's RunningHub knows, by webapp id. Each app reads its inputs from the
 * node ids its (imagined) ComfyUI graph has, like a real AI app; an unknown webapp id runs the
 * model_pose12 app, as before apps were told apart.
 *
 * | app | webapp id | inputs (nodeId/fieldName) | outputs |
 * |---|---|---|---|
 * | model_pose12 | any other | 10/image (or any image), 6/text, 3/seed | 12 poses |
 * | fitting | 1900000000000000002 | 10/image garment, 11/image model, 5/batch_size (1–4, default 1) | the model photo with the garment on the torso |
 * | travel | 1900000000000000003 | 10/image garment, 6/text prompt, 3/seed, 5/batch_size (1–8, default 4) | the garment on a figure in front of a backdrop whose colour comes from the prompt |
 */
export const WEBAPP_IDS = {
  fitting: '1900000000000000002',
  travel: '1900000000000000003',
} as const;

export type AppName = 'model_pose12' | 'fitting' | 'travel';

/** A run's inputs as the app understood them: image field values to fetch, and how to render. */
export interface AppRun {
  app: AppName;
  /** Image values (URLs or uploaded file names), in the order `render` takes them. */
  images: string[];
  render(images: Buffer[]): Promise<Buffer[]>;
}

/** Inputs the app cannot run with: RunningHub answers 803 (APIKEY_INVALID_NODE_INFO). */
export class AppInputError extends Error {}

const WIDTH = 576;
const HEIGHT = 768;

/** Where the garment goes on every fitting and travel shot (the "torso"). */
export const GARMENT_BOX = { left: 144, top: 216, width: 288, height: 360 } as const;
export const SHOT_SIZE = { width: WIDTH, height: HEIGHT } as const;

const looksLikeImage = (v: string) => /^https?:\/\//i.test(v) || UPLOADED_NAME.test(v);

function field(list: NodeInfo[], nodeId: string, fieldName: string): string | undefined {
  return list.find((n) => n.nodeId === nodeId && n.fieldName === fieldName)?.fieldValue;
}

function imageAt(list: NodeInfo[], nodeId: string, what: string): string {
  const value = field(list, nodeId, 'image');
  if (value === undefined || !looksLikeImage(value))
    throw new AppInputError(`APIKEY_INVALID_NODE_INFO: ${what} (node ${nodeId}, field image) is missing`);
  return value;
}

function batchSize(list: NodeInfo[], fallback: number, max: number): number {
  const raw = field(list, '5', 'batch_size');
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max)
    throw new AppInputError(`APIKEY_INVALID_NODE_INFO: batch_size (node 5) must be 1–${max}, not ${raw}`);
  return n;
}

/**
 * The backdrop colour of a travel shot: a function of the prompt alone (the prompt carries the
 * scene), so a test can tell from the pixels which scene produced an image.
 */
export function sceneColour(prompt: string): { r: number; g: number; b: number } {
  const [r, g, b] = createHash('sha256').update(prompt).digest();
  // Kept away from white and black, so it never looks like an empty or missing image.
  const scale = (v: number) => 40 + Math.round((v / 255) * 170);
  return { r: scale(r), g: scale(g), b: scale(b) };
}

/** A small bar whose position tells the shot number, so every shot of a run differs. */
function markerSvg(index: number): Buffer {
  const x = 16 + index * 44;
  return Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}">
  <rect x="${x}" y="${HEIGHT - 14}" width="32" height="10" fill="#ffcc00"/>
</svg>`);
}

async function garmentPatch(garment: Buffer): Promise<Buffer> {
  return sharp(garment)
    .autoOrient()
    .resize(GARMENT_BOX.width, GARMENT_BOX.height, { fit: 'cover', position: 'centre' })
    .png()
    .toBuffer();
}

/** `count` shots of one base picture with the garment on the torso and a shot marker each. */
async function shots(base: Sharp, garment: Buffer, count: number): Promise<Buffer[]> {
  const background = await base.png().toBuffer();
  const patch = await garmentPatch(garment);
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      sharp(background)
        .composite([
          { input: patch, left: GARMENT_BOX.left, top: GARMENT_BOX.top },
          { input: markerSvg(i), left: 0, top: 0 },
        ])
        .png()
        .toBuffer(),
    ),
  );
}

/** Virtual try-on: the model photo (cover-fitted) with the garment placed over the torso. */
export async function generateFittingImages(garment: Buffer, model: Buffer, count: number): Promise<Buffer[]> {
  const base = sharp(await sharp(model).autoOrient().toBuffer()).resize(WIDTH, HEIGHT, { fit: 'cover' });
  return shots(base, garment, count);
}

/** Travel photos: the garment on a figure in front of the scene's backdrop colour. */
export async function generateTravelImages(garment: Buffer, prompt: string, count: number): Promise<Buffer[]> {
  const base = sharp({ create: { width: WIDTH, height: HEIGHT, channels: 3, background: sceneColour(prompt) } });
  return shots(base, garment, count);
}

/** The app a webapp id runs, with its inputs read from the node list (throws AppInputError). */
export function planRun(webappId: string, list: NodeInfo[]): AppRun {
  if (webappId === WEBAPP_IDS.fitting) {
    const garment = imageAt(list, '10', 'the garment photo');
    const model = imageAt(list, '11', 'the model photo');
    const count = batchSize(list, 1, 4);
    return {
      app: 'fitting',
      images: [garment, model],
      render: ([g, m]) => generateFittingImages(g, m, count),
    };
  }
  if (webappId === WEBAPP_IDS.travel) {
    const garment = imageAt(list, '10', 'the garment photo');
    const prompt = field(list, '6', 'text');
    if (!prompt) throw new AppInputError('APIKEY_INVALID_NODE_INFO: the prompt (node 6, field text) is missing');
    const count = batchSize(list, 4, 8);
    return { app: 'travel', images: [garment], render: ([g]) => generateTravelImages(g, prompt, count) };
  }
  const input = findImageInput(list);
  if (!input) throw new AppInputError('APIKEY_INVALID_NODE_INFO');
  const seed = findSeed(list);
  return { app: 'model_pose12', images: [input.fieldValue], render: ([image]) => generatePoseImages(image, seed) };
}
