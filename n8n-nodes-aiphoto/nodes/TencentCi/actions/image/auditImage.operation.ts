import {
  NodeApiError,
  NodeOperationError,
  type IDataObject,
  type IExecuteFunctions,
  type INodeProperties,
  type JsonObject,
} from 'n8n-workflow';

import { cosApiError } from '../../../../common/cos-errors';
import { xmlBlocks, xmlText } from '../../../../common/xml';
import { cosRequest } from '../../../../transport/cos';

const show = { show: { operation: ['auditImage'] } };

/** Every input key of an AI Photo dispatch: uploads (`inputs.<slot>.key`) and source tasks' results. */
export const ALL_INPUT_KEYS =
  '={{ Object.values($json.inputs || {}).flatMap(i => i.key ? [i.key] : (i.items || []).map(x => x.key)) }}';

export const description: INodeProperties[] = [
  {
    displayName: 'Object Keys',
    name: 'objectKeys',
    type: 'string',
    default: ALL_INPUT_KEYS,
    required: true,
    displayOptions: show,
    description:
      'Storage keys of the images to audit: one key, several separated by commas, or an array; the default takes every input of the AI Photo Trigger’s task',
  },
  {
    displayName: 'Threshold',
    name: 'threshold',
    type: 'number',
    typeOptions: { minValue: 0, maxValue: 100 },
    default: 85,
    displayOptions: show,
    description:
      'An image whose risk score (0–100) is over this fails the audit; AI Photo workflows use the dispatch’s audit.threshold (AUDIT_THRESHOLD)',
  },
  {
    displayName: 'Biz Type',
    name: 'bizType',
    type: 'string',
    default: '',
    displayOptions: show,
    description:
      'Optional: the audit policy (biz-type) configured in the Tencent CI console; empty uses the bucket’s default policy',
  },
];

/** The risk blocks of a RecognitionResult (one per audited scene). */
const SCENE_BLOCKS = [
  'PornInfo',
  'TerrorismInfo',
  'PoliticsInfo',
  'AdsInfo',
  'IllegalInfo',
  'AbuseInfo',
  'TeenagerInfo',
];

export interface AuditOfImage {
  key: string;
  /** CI's verdict: 0 normal, 1 sensitive, 2 suspicious. */
  result: number;
  label: string;
  subLabel: string;
  /** The highest risk score of the image, 0–100 (see riskScore). */
  score: number;
  jobId: string;
}

function num(text: string | undefined): number {
  const n = Number(text);
  return Number.isFinite(n) ? n : 0;
}

/**
 * The risk of one answer: the highest score of the scene blocks (PornInfo, AdsInfo, …), and the
 * top-level Score when the label is a risk. A top-level Score with the label Normal is how sure CI
 * is that the image is normal, not a risk, so it never counts (docs/vendor-facts.md).
 */
export function parseRecognitionResult(key: string, xml: string): AuditOfImage | { error: string } {
  const [body] = xmlBlocks(xml, 'RecognitionResult');
  if (body === undefined) return { error: 'no RecognitionResult in the answer' };
  const state = xmlText(body, 'State');
  if (state && state !== 'Success') {
    const why = [xmlText(body, 'Code'), xmlText(body, 'Message')].filter(Boolean).join(': ');
    return { error: `the audit job ended ${state}${why ? ` (${why})` : ''}` };
  }
  const label = xmlText(body, 'Label') ?? '';
  const scores = SCENE_BLOCKS.flatMap((block) => xmlBlocks(body, block).map((b) => num(xmlText(b, 'Score'))));
  if (label && label !== 'Normal') scores.push(num(xmlText(body, 'Score')));
  return {
    key,
    result: num(xmlText(body, 'Result')),
    label,
    subLabel: xmlText(body, 'SubLabel') ?? '',
    score: Math.max(0, ...scores),
    jobId: xmlText(body, 'JobId') ?? '',
  };
}

export function keysOf(value: unknown): string[] {
  const list = Array.isArray(value) ? value : String(value ?? '').split(',');
  return [...new Set(list.map((k) => String(k ?? '').trim()).filter(Boolean))];
}

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const keys = keysOf(this.getNodeParameter('objectKeys', itemIndex, ''));
  if (!keys.length)
    throw new NodeOperationError(this.getNode(), 'Object Keys is empty', {
      itemIndex,
      description: 'Map the keys of the images to audit, e.g. the AI Photo Trigger’s inputs.',
    });
  const threshold = Number(this.getNodeParameter('threshold', itemIndex, 85));
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 100)
    throw new NodeOperationError(this.getNode(), 'Threshold must be a number from 0 to 100', { itemIndex });
  const bizType = String(this.getNodeParameter('bizType', itemIndex, '') ?? '').trim();
  const query = `ci-process=sensitive-content-recognition${bizType ? `&biz-type=${encodeURIComponent(bizType)}` : ''}`;

  const results: AuditOfImage[] = [];
  for (const key of keys) {
    const response = await cosRequest(this, { method: 'GET', key, query });
    if (response.statusCode < 200 || response.statusCode >= 300)
      throw cosApiError(
        this.getNode(),
        response.statusCode,
        response.body,
        `Tencent CI image audit of ${key}`,
        itemIndex,
      );
    const parsed = parseRecognitionResult(key, response.body.toString('utf8'));
    if ('error' in parsed)
      throw new NodeApiError(this.getNode(), { httpCode: String(response.statusCode) } as JsonObject, {
        message: `Tencent CI image audit of ${key}: ${parsed.error}`,
        itemIndex,
      });
    results.push(parsed);
  }
  const worst = results.reduce((a, b) => (b.score > a.score ? b : a));
  return {
    passed: worst.score <= threshold,
    score: worst.score,
    label: worst.label,
    key: worst.key,
    threshold,
    results: results as unknown as IDataObject[],
  };
}
