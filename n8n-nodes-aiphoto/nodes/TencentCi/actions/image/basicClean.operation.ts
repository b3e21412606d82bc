import { NodeOperationError, type IDataObject, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { requiredString } from '../../../../common/run-items';
import { absoluteFileId, runPicOperations } from './pic-operations';

/** The basic_clean chain of docs/DEVELOPMENT.md with its defaults; the sandbox implements exactly this. */
export const BASIC_CLEAN_RULE =
  'imageMogr2/auto-orient|imageView2/1/w/800/h/800/q/90|ci-process=GoodsMatting&center-layout=1|imageMogr2/format/jpg/quality/90';

export type CleanFormat = 'jpg' | 'png';

export interface CleanOutput {
  width: number;
  height: number;
  /** Margin around the cut-out product, in pixels on each side (GoodsMatting `padding-layout`). */
  padding: number;
  quality: number;
  /** `jpg` flattens onto `background`; `png` keeps the matte's transparency. */
  format?: CleanFormat;
  /** `#RRGGBB`, the colour behind the product in a JPEG (white by default). */
  background?: string;
}

export const DEFAULT_OUTPUT: CleanOutput = {
  width: 800,
  height: 800,
  padding: 0,
  quality: 90,
  format: 'jpg',
  background: '#FFFFFF',
};

/** Tencent CI takes colours as URL-safe Base64 of the `#RRGGBB` text (imageMogr2 `color`). */
export function ciColor(hex: string): string {
  return Buffer.from(hex.toUpperCase(), 'utf8').toString('base64url');
}

/**
 * The chain for an output size, margin, format and JPEG quality: fit (cover and centre-crop) to
 * width×height, cut the product out centred with the margin, then either keep it transparent
 * (PNG) or flatten it as JPEG — onto white, or onto another colour through imageMogr2's
 * `thumbnail/<W>x<H>/pad/1/color/<base64>`. The defaults give exactly BASIC_CLEAN_RULE.
 */
export function basicCleanRule(output: CleanOutput = DEFAULT_OUTPUT): string {
  const { width, height, padding, quality } = output;
  const format = output.format ?? 'jpg';
  const background = (output.background ?? '#FFFFFF').toUpperCase();
  const margin = padding > 0 ? `&padding-layout=${padding}x${padding}` : '';
  const cut =
    `imageMogr2/auto-orient|imageView2/1/w/${width}/h/${height}/q/${quality}` +
    `|ci-process=GoodsMatting&center-layout=1${margin}`;
  if (format === 'png') return `${cut}|imageMogr2/format/png`;
  if (background === '#FFFFFF') return `${cut}|imageMogr2/format/jpg/quality/${quality}`;
  return `${cut}|imageMogr2/thumbnail/${width}x${height}/pad/1/color/${ciColor(background)}/format/jpg/quality/${quality}`;
}

/**
 * An output preset as the task's `preset` parameter names it: `<name>_<W>x<H>` (e.g.
 * `taobao_800x800`, `pdd_750x1000`); a name starting with `transparent` gives a PNG with alpha.
 * Operators add presets by adding options to the task type: the size is read from the value.
 */
export function presetOutput(preset: string): { width: number; height: number; format: CleanFormat } | undefined {
  const m = /^([a-z][a-z0-9]*(?:_[a-z0-9]+)*?)_(\d{2,4})x(\d{2,4})$/.exec(preset.trim());
  if (!m) return undefined;
  return {
    width: Number(m[2]),
    height: Number(m[3]),
    format: m[1].startsWith('transparent') ? 'png' : 'jpg',
  };
}

/** Margin as a percentage of the shorter side, in pixels on each side (CI caps padding-layout at 1000). */
export function marginPixels(width: number, height: number, percent: number): number {
  return Math.min(1000, Math.round((Math.min(width, height) * percent) / 100));
}

export function outputNameFor(format: CleanFormat): string {
  return format === 'png' ? 'main.png' : 'main.jpg';
}

export const BASIC_CLEAN_OUTPUT_NAME = outputNameFor('jpg');

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
      'Folder for the result, e.g. output/<userId>/<taskId>/; the clean image is written as main.jpg (main.png for PNG) inside it',
  },
  {
    displayName: 'Output Preset',
    name: 'preset',
    type: 'string',
    default: '',
    placeholder: 'pdd_750x1000',
    displayOptions: show,
    description:
      'A marketplace preset as <name>_<width>x<height> (taobao_800x800, jd_800x800, pdd_750x1000, transparent_800x800 …); it sets width, height and format and wins over the fields below. Empty: use them.',
    hint: 'Names starting with "transparent" give a PNG with a transparent background',
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
    displayName: 'Margin (%)',
    name: 'marginPercent',
    type: 'number',
    typeOptions: { minValue: 0, maxValue: 40 },
    default: 0,
    displayOptions: show,
    description:
      'Margin around the product as a percentage of the shorter side, on each side; when above 0 it replaces Padding (px)',
  },
  {
    displayName: 'Format',
    name: 'format',
    type: 'options',
    options: [
      { name: 'JPEG on a Background Colour', value: 'jpg' },
      { name: 'PNG with Transparency', value: 'png' },
    ],
    default: 'jpg',
    displayOptions: show,
    description: 'PNG keeps the cut-out transparent (main.png); JPEG puts it on the background colour (main.jpg)',
  },
  {
    displayName: 'Background Colour',
    name: 'background',
    type: 'color',
    default: '#FFFFFF',
    displayOptions: show,
    description: 'The colour behind the product in a JPEG, as #RRGGBB',
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

type NumericField = 'width' | 'height' | 'padding' | 'quality' | 'marginPercent';
const NUMERIC_DEFAULTS: Record<NumericField, number> = { ...DEFAULT_OUTPUT, marginPercent: 0 };

/** Whole numbers within bounds: an expression may hand over text or a fraction. */
function bounded(ctx: IExecuteFunctions, name: NumericField, itemIndex: number, min: number, max: number) {
  const given = ctx.getNodeParameter(name, itemIndex, NUMERIC_DEFAULTS[name]);
  // An expression reading an optional task parameter may give '' or nothing: the default then.
  const raw = given === '' || given === null || given === undefined ? NUMERIC_DEFAULTS[name] : Number(given);
  if (!Number.isFinite(raw) || Math.round(raw) < min || Math.round(raw) > max) {
    throw new NodeOperationError(ctx.getNode(), `${name} must be a number from ${min} to ${max}`, { itemIndex });
  }
  return Math.round(raw);
}

function optionalText(ctx: IExecuteFunctions, name: string, itemIndex: number, fallback: string): string {
  const value = ctx.getNodeParameter(name, itemIndex, fallback);
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : fallback;
}

export function outputOf(ctx: IExecuteFunctions, itemIndex: number): CleanOutput {
  const presetName = optionalText(ctx, 'preset', itemIndex, '');
  const preset = presetName ? presetOutput(presetName) : undefined;
  if (presetName && !preset) {
    throw new NodeOperationError(
      ctx.getNode(),
      `preset must look like <name>_<width>x<height> (e.g. pdd_750x1000), not "${presetName}"`,
      { itemIndex },
    );
  }
  if (preset && (preset.width > 4096 || preset.height > 4096)) {
    throw new NodeOperationError(ctx.getNode(), `preset ${presetName} is larger than 4096 px`, { itemIndex });
  }
  const width = preset?.width ?? bounded(ctx, 'width', itemIndex, 1, 4096);
  const height = preset?.height ?? bounded(ctx, 'height', itemIndex, 1, 4096);
  const marginPercent = bounded(ctx, 'marginPercent', itemIndex, 0, 40);
  const format = preset?.format ?? optionalText(ctx, 'format', itemIndex, 'jpg');
  if (format !== 'jpg' && format !== 'png') {
    throw new NodeOperationError(ctx.getNode(), `format must be jpg or png, not "${format}"`, { itemIndex });
  }
  const background = optionalText(ctx, 'background', itemIndex, '#FFFFFF');
  if (!/^#[0-9a-fA-F]{6}$/.test(background)) {
    throw new NodeOperationError(ctx.getNode(), `background must be a colour like #FFFFFF, not "${background}"`, {
      itemIndex,
    });
  }
  return {
    width,
    height,
    padding:
      marginPercent > 0 ? marginPixels(width, height, marginPercent) : bounded(ctx, 'padding', itemIndex, 0, 1000),
    quality: bounded(ctx, 'quality', itemIndex, 1, 100),
    format,
    background: background.toUpperCase(),
  };
}

export function outputKeyFor(outputPrefix: string, format: CleanFormat = 'jpg'): string {
  const prefix = outputPrefix.replace(/^\/+/, '');
  return `${prefix}${prefix.endsWith('/') || prefix === '' ? '' : '/'}${outputNameFor(format)}`;
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const inputKey = requiredString(this, 'inputKey', 'Input Key', itemIndex);
  const outputPrefix = requiredString(this, 'outputPrefix', 'Output Prefix', itemIndex);
  const output = outputOf(this, itemIndex);
  const [main] = await runPicOperations(
    this,
    inputKey,
    [{ fileid: absoluteFileId(outputKeyFor(outputPrefix, output.format)), rule: basicCleanRule(output) }],
    itemIndex,
  );
  return {
    resultKeys: [main.key],
    width: main.width,
    height: main.height,
    size: main.size,
    format: output.format ?? 'jpg',
  };
}
