import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { requiredString } from '../../../../common/run-items';
import { absoluteFileId, runPicOperations } from './pic-operations';

/** The basic_clean chain of docs/DEVELOPMENT.md with its defaults; the sandbox implements exactly this. */
export const BASIC_CLEAN_RULE =
  'imageMogr2/auto-orient|imageView2/1/w/800/h/800/q/90|ci-process=GoodsMatting&center-layout=1|imageMogr2/format/jpg/quality/90';

export interface CleanOutput {
  width: number;
  height: number;
  /** Margin around the cut-out product, in pixels on each side (GoodsMatting `padding-layout`). */
  padding: number;
  quality: number;
}

export const DEFAULT_OUTPUT: CleanOutput = { width: 800, height: 800, padding: 0, quality: 90 };

/**
 * The chain for an output size, margin and JPEG quality: fit (cover and centre-crop) to
 * width×height, cut the product out centred with the margin, flatten onto white as JPEG.
 * The defaults give exactly BASIC_CLEAN_RULE.
 */
export function basicCleanRule(output: CleanOutput = DEFAULT_OUTPUT): string {
  const { width, height, padding, quality } = output;
  const margin = padding > 0 ? `&padding-layout=${padding}x${padding}` : '';
  return (
    `imageMogr2/auto-orient|imageView2/1/w/${width}/h/${height}/q/${quality}` +
    `|ci-process=GoodsMatting&center-layout=1${margin}|imageMogr2/format/jpg/quality/${quality}`
  );
}

export const BASIC_CLEAN_OUTPUT_NAME = 'main.jpg';

const show = { show: { operation: ['basicClean'] } };

export const description: INodeProperties[] = [
  {
    displayName: 'Input Key',
    name: 'inputKey',
    type: 'string',
    default: '={{ $json.inputKey }}',
    required: true,
    displayOptions: show,
    description: 'Storage key of the uploaded garment photo, e.g. input/<userId>/<sha256>.jpg',
  },
  {
    displayName: 'Output Prefix',
    name: 'outputPrefix',
    type: 'string',
    default: '={{ $json.outputPrefix }}',
    required: true,
    displayOptions: show,
    description:
      'Folder for the result, e.g. output/<userId>/<taskId>/; the clean image is written as main.jpg inside it',
  },
  {
    displayName: 'Width (Px)',
    name: 'width',
    type: 'number',
    typeOptions: { minValue: 1, maxValue: 4096 },
    default: DEFAULT_OUTPUT.width,
    displayOptions: show,
    description: 'Width of main.jpg; the photo is scaled to cover width × height and centre-cropped',
    hint: 'Marketplace sizes: 800 × 800 (Taobao/Tmall, JD), 750 × 1000 (Pinduoduo)',
  },
  {
    displayName: 'Height (Px)',
    name: 'height',
    type: 'number',
    typeOptions: { minValue: 1, maxValue: 4096 },
    default: DEFAULT_OUTPUT.height,
    displayOptions: show,
    description: 'Height of main.jpg',
  },
  {
    displayName: 'Padding (Px)',
    name: 'padding',
    type: 'number',
    typeOptions: { minValue: 0, maxValue: 1000 },
    default: DEFAULT_OUTPUT.padding,
    displayOptions: show,
    description: 'White margin kept around the cut-out product on each side (Tencent CI allows up to 1000)',
    hint: '0 lets the product fill the frame as Tencent CI centres it',
  },
  {
    displayName: 'JPEG Quality',
    name: 'quality',
    type: 'number',
    typeOptions: { minValue: 1, maxValue: 100 },
    default: DEFAULT_OUTPUT.quality,
    displayOptions: show,
    description: 'Compression quality of main.jpg, 1–100 (90 keeps fabric texture at a modest file size)',
  },
];

/** Whole numbers within bounds: an expression may hand over text or a fraction. */
function bounded(ctx: IExecuteFunctions, name: keyof CleanOutput, itemIndex: number, min: number, max: number) {
  const raw = Number(ctx.getNodeParameter(name, itemIndex, DEFAULT_OUTPUT[name]));
  if (!Number.isFinite(raw) || Math.round(raw) < min || Math.round(raw) > max) {
    throw new NodeOperationError(ctx.getNode(), `${name} must be a number from ${min} to ${max}`, { itemIndex });
  }
  return Math.round(raw);
}

export function outputOf(ctx: IExecuteFunctions, itemIndex: number): CleanOutput {
  return {
    width: bounded(ctx, 'width', itemIndex, 1, 4096),
    height: bounded(ctx, 'height', itemIndex, 1, 4096),
    padding: bounded(ctx, 'padding', itemIndex, 0, 1000),
    quality: bounded(ctx, 'quality', itemIndex, 1, 100),
  };
}

export function outputKeyFor(outputPrefix: string): string {
  const prefix = outputPrefix.replace(/^\/+/, '');
  return `${prefix}${prefix.endsWith('/') || prefix === '' ? '' : '/'}${BASIC_CLEAN_OUTPUT_NAME}`;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const inputKey = requiredString(this, 'inputKey', 'Input Key', itemIndex);
  const outputPrefix = requiredString(this, 'outputPrefix', 'Output Prefix', itemIndex);
  const [main] = await runPicOperations(
    this,
    inputKey,
    [{ fileid: absoluteFileId(outputKeyFor(outputPrefix)), rule: basicCleanRule(outputOf(this, itemIndex)) }],
    itemIndex,
  );
  return { resultKeys: [main.key], width: main.width, height: main.height, size: main.size };
}
