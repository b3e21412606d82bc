import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { requiredString } from '../../../../common/run-items';
import { absoluteFileId, runPicOperations } from './pic-operations';

const show = { show: { operation: ['applyRule'] } };

export const description: INodeProperties[] = [
  {
    displayName: 'Input Key',
    name: 'inputKey',
    type: 'string',
    default: '={{ $json.inputKey }}',
    required: true,
    displayOptions: show,
    description: 'Storage key of the object to process',
  },
  {
    displayName: 'Output Key',
    name: 'outputKey',
    type: 'string',
    default: '',
    placeholder: 'output/<userId>/<taskId>/thumb.jpg',
    required: true,
    displayOptions: show,
    description: 'Where Tencent CI writes the result (in the same bucket)',
  },
  {
    displayName: 'Rule',
    name: 'rule',
    type: 'string',
    default: 'imageMogr2/auto-orient|imageView2/1/w/800/h/800/q/90',
    required: true,
    displayOptions: show,
    description: 'A Tencent CI processing rule; chain steps with |',
  },
];

export async function execute(this: IExecuteFunctions, itemIndex: number): Promise<IDataObject> {
  const inputKey = requiredString(this, 'inputKey', 'Input Key', itemIndex);
  const outputKey = requiredString(this, 'outputKey', 'Output Key', itemIndex);
  const rule = requiredString(this, 'rule', 'Rule', itemIndex);
  const objects = await runPicOperations(this, inputKey, [{ fileid: absoluteFileId(outputKey), rule }], itemIndex);
  const [first] = objects;
  return {
    resultKeys: objects.map((object) => object.key),
    width: first.width,
    height: first.height,
    size: first.size,
    format: first.format ?? null,
  };
}
