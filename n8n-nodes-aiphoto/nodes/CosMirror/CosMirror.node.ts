import {
  NodeConnectionTypes,
  NodeOperationError,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
} from 'n8n-workflow';

import { runPerItem, requiredString } from '../../shared/run-items';
import { mirrorOne, parseUrlList } from './mirror';

/** Twelve poses is the largest set today; the cap stops a wrong expression from copying a whole listing. */
const MAX_FILES = 50;

export class CosMirror implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'COS Mirror',
    name: 'cosMirror',
    icon: { light: 'file:../../icons/cosMirror.svg', dark: 'file:../../icons/cosMirror.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{ "to " + $parameter["outputPrefix"] }}',
    description:
      'Copy vendor result files (temporary URLs) into our COS bucket as <prefix>01.<ext>, 02… Skips files already copied.',
    defaults: { name: 'COS Mirror' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    credentials: [{ name: 'tencentCloudApi', required: true }],
    properties: [
      {
        displayName: 'File URLs',
        name: 'urls',
        type: 'json',
        default: '={{ $json.fileUrls }}',
        required: true,
        description: 'List of vendor URLs in the order the results should be numbered',
      },
      {
        displayName: 'Output Prefix',
        name: 'outputPrefix',
        type: 'string',
        default: '={{ $json.outputPrefix }}',
        required: true,
        description: 'Folder in the bucket, e.g. output/<userId>/<taskId>/',
      },
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return runPerItem(this, async (itemIndex) => {
      const urls = parseUrlList(this.getNodeParameter('urls', itemIndex), this, itemIndex);
      const outputPrefix = requiredString(this, 'outputPrefix', 'Output Prefix', itemIndex);
      if (urls.length === 0) throw new NodeOperationError(this.getNode(), 'No file URLs to mirror', { itemIndex });
      if (urls.length > MAX_FILES) {
        throw new NodeOperationError(this.getNode(), `${urls.length} URLs; at most ${MAX_FILES} are mirrored at once`, {
          itemIndex,
        });
      }
      const resultKeys: string[] = [];
      let skipped = 0;
      // One at a time keeps the order obvious and the load on the vendor's file host low.
      for (const [index, url] of urls.entries()) {
        // Stopped in n8n (the task was canceled): copy nothing more into the task's folder.
        if (this.getExecutionCancelSignal()?.aborted) {
          throw new NodeOperationError(
            this.getNode(),
            `The execution was stopped after ${index} of ${urls.length} files`,
            {
              itemIndex,
            },
          );
        }
        const outcome = await mirrorOne(this, url, outputPrefix, index, itemIndex);
        resultKeys.push(outcome.key);
        if (outcome.skipped) skipped++;
      }
      return { resultKeys, uploaded: resultKeys.length - skipped, skipped };
    });
  }
}
