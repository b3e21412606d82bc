import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requiredString } from '../../../../shared/run-items';
import { absoluteFileId, runPicOperations } from './pic-operations';

/** The basic_clean chain of docs/DEVELOPMENT.md; the sandbox implements exactly this. */
export const BASIC_CLEAN_RULE =
  'imageMogr2/auto-orient|imageView2/1/w/800/h/800/q/90|ci-process=GoodsMatting&center-layout=1|imageMogr2/format/jpg/quality/90';

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
];

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
    [{ fileid: absoluteFileId(outputKeyFor(outputPrefix)), rule: BASIC_CLEAN_RULE }],
    itemIndex,
  );
  return { resultKeys: [main.key], width: main.width, height: main.height, size: main.size };
}
