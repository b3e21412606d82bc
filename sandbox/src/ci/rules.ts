import { CosError } from '../cos/cos-errors';
import type { Rgb } from './matting';

/** Output encodings the sandbox can write (what CI calls `format`). */
export type ImageFormat = 'jpg' | 'png' | 'webp';

/** One processing step of a CI rule, in the order it runs. */
export type RuleStep =
  | { op: 'auto-orient' }
  /** imageView2 mode 1 = scale to cover w×h, centre-crop; mode 2 = scale to fit inside. */
  | { op: 'view'; mode: 1 | 2; width: number; height: number }
  | { op: 'matting'; centerLayout: boolean; padding?: { x: number; y: number } }
  /**
   * imageMogr2 `thumbnail/<W>x<H>`: scale to fit inside W×H keeping the aspect; with `pad/1`
   * the canvas is filled up to exactly W×H with `color` (white by default).
   */
  | { op: 'thumbnail'; width: number; height: number; pad: boolean; color: Rgb }
  | { op: 'format'; format: ImageFormat }
  | { op: 'quality'; quality: number };

function invalid(message: string): CosError {
  return new CosError(400, 'InvalidArgument', message);
}

function parseFormat(value: string | undefined): ImageFormat {
  const v = (value ?? '').toLowerCase();
  if (v === 'jpg' || v === 'jpeg') return 'jpg';
  if (v === 'png' || v === 'webp') return v;
  throw invalid(`unsupported format: ${value ?? '(missing)'}`);
}

function parseInteger(value: string | undefined, name: string, min: number, max: number): number {
  const n = Number(value);
  if (!value || !Number.isInteger(n) || n < min || n > max)
    throw invalid(`${name} must be an integer in ${min}..${max}`);
  return n;
}

/** CI's `color/<encodedColor>`: URL-safe Base64 of `#RRGGBB`. */
function parseColor(value: string | undefined): Rgb {
  const text = value ? Buffer.from(value, 'base64url').toString('utf8') : '';
  const m = /^#([0-9a-fA-F]{2})([0-9a-fA-F]{2})([0-9a-fA-F]{2})$/.exec(text);
  if (!m) throw invalid('color must be URL-safe Base64 of #RRGGBB');
  return [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)];
}

/** `thumbnail/<W>x<H>` (both sides given: the only form the sandbox implements). */
function parseThumbnail(value: string | undefined): { width: number; height: number } {
  const m = /^(\d{1,4})x(\d{1,4})$/.exec(value ?? '');
  if (!m) throw invalid(`unsupported thumbnail geometry: ${value ?? '(missing)'} (the sandbox knows <W>x<H>)`);
  return {
    width: parseInteger(m[1], 'thumbnail width', 1, 9999),
    height: parseInteger(m[2], 'thumbnail height', 1, 9999),
  };
}

/** `imageMogr2/auto-orient/format/jpg/quality/90`: flags and name/value pairs. */
function parseImageMogr2(tokens: string[]): RuleStep[] {
  const steps: RuleStep[] = [];
  let thumbnail: Extract<RuleStep, { op: 'thumbnail' }> | undefined;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    if (token === 'auto-orient') steps.push({ op: 'auto-orient' });
    else if (token === 'thumbnail') {
      thumbnail = { op: 'thumbnail', ...parseThumbnail(tokens[++i]), pad: false, color: [255, 255, 255] };
      steps.push(thumbnail);
    } else if (token === 'pad') {
      const pad = tokens[++i];
      if (!thumbnail || (pad !== '0' && pad !== '1')) throw invalid('pad must follow thumbnail and be 0 or 1');
      thumbnail.pad = pad === '1';
    } else if (token === 'color') {
      if (!thumbnail) throw invalid('color must follow thumbnail');
      thumbnail.color = parseColor(tokens[++i]);
    } else if (token === 'strip')
      continue; // metadata is always stripped on output here
    else if (token === 'format') steps.push({ op: 'format', format: parseFormat(tokens[++i]) });
    else if (token === 'quality') steps.push({ op: 'quality', quality: parseInteger(tokens[++i], 'quality', 1, 100) });
    else throw invalid(`unsupported imageMogr2 operation: ${token}`);
  }
  if (!steps.length) throw invalid('imageMogr2 needs an operation');
  return steps;
}

/** `imageView2/<mode>/w/<w>/h/<h>/q/<q>/format/<f>`. */
function parseImageView2(tokens: string[]): RuleStep[] {
  const mode = Number(tokens[0]);
  if (mode !== 1 && mode !== 2) throw invalid(`unsupported imageView2 mode: ${tokens[0] ?? '(missing)'}`);
  const params = new Map<string, string>();
  for (let i = 1; i < tokens.length; i += 2) {
    if (!['w', 'h', 'q', 'format'].includes(tokens[i])) throw invalid(`unsupported imageView2 parameter: ${tokens[i]}`);
    params.set(tokens[i], tokens[i + 1]);
  }
  const width = parseInteger(params.get('w'), 'w', 1, 10000);
  const height = parseInteger(params.get('h'), 'h', 1, 10000);
  const steps: RuleStep[] = [{ op: 'view', mode, width, height }];
  if (params.has('q')) steps.push({ op: 'quality', quality: parseInteger(params.get('q'), 'q', 1, 100) });
  if (params.has('format')) steps.push({ op: 'format', format: parseFormat(params.get('format')) });
  return steps;
}

/** `ci-process=GoodsMatting&center-layout=1&padding-layout=20x20`. */
export function parseGoodsMatting(query: string): RuleStep {
  const params = new URLSearchParams(query);
  if (params.get('ci-process') !== 'GoodsMatting') throw invalid(`unsupported ci-process: ${params.get('ci-process')}`);
  for (const name of params.keys()) {
    if (!['ci-process', 'center-layout', 'padding-layout'].includes(name))
      throw invalid(`unsupported GoodsMatting parameter: ${name}`);
  }
  const center = params.get('center-layout') ?? '0';
  if (center !== '0' && center !== '1') throw invalid('center-layout must be 0 or 1');
  const step: RuleStep = { op: 'matting', centerLayout: center === '1' };
  const padding = params.get('padding-layout');
  if (padding !== null) {
    const m = /^(\d{1,4})x(\d{1,4})$/.exec(padding);
    if (!m) throw invalid('padding-layout must be <dx>x<dy>');
    step.padding = { x: Number(m[1]), y: Number(m[2]) };
  }
  return step;
}

/**
 * Parses a CI rule chain (`step|step|…`) into steps. Anything the sandbox does not
 * implement is rejected with COS's 400 `InvalidArgument` rather than silently ignored,
 * so a workflow never "passes" locally with a rule production would treat differently.
 */
export function parseRule(rule: string): RuleStep[] {
  if (!rule.trim()) throw invalid('rule is empty');
  return rule.split('|').flatMap((part) => {
    const step = part.trim();
    if (step.startsWith('ci-process=')) return [parseGoodsMatting(step)];
    const [name, ...tokens] = step.split('/');
    if (name === 'imageMogr2') return parseImageMogr2(tokens);
    if (name === 'imageView2') return parseImageView2(tokens);
    throw invalid(`unsupported rule step: ${step}`);
  });
}
