import {
  NodeConnectionTypes,
  NodeOperationError,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
} from 'n8n-workflow';

import { runPerItem, requiredString } from '../../common/run-items';
import { mirrorBinary, mirrorOne, parseUrlList } from './mirror';

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
      'Copy vendor result files (temporary URLs) or a binary field into our COS bucket as <prefix>01.<ext>, 02… Skips files already copied.',
    defaults: { name: 'COS Mirror' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    credentials: [{ name: 'tencentCloudApi', required: true }],
    properties: [
      {
        displayName: 'Files From',
        name: 'source',
        type: 'options',
        default: 'urls',
        options: [
          {
            name: 'URLs',
            value: 'urls',
            description: 'Download vendor result files from their (temporary) URLs',
          },
          {
            name: 'Binary Field',
            value: 'binary',
            description: 'Store the file in this item’s binary field, e.g. the MP4 of FFmpeg Slideshow',
          },
        ],
      },
      {
        displayName: 'File URLs',
        name: 'urls',
        type: 'json',
        default: '={{ $json.fileUrls }}',
        required: true,
        displayOptions: { show: { source: ['urls'] } },
        description: 'List of vendor URLs in the order the results should be numbered',
      },
      {
        displayName: 'Binary Field',
        name: 'binaryField',
        type: 'string',
        default: 'data',
        required: true,
        displayOptions: { show: { source: ['binary'] } },
        description: 'Name of the binary field holding the file; it is stored as <prefix>01.<ext>',
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
      const outputPrefix = requiredString(this, 'outputPrefix', 'Output Prefix', itemIndex);
      if (this.getNodeParameter('source', itemIndex, 'urls') === 'binary') {
        const field = requiredString(this, 'binaryField', 'Binary Field', itemIndex);
        const meta = this.helpers.assertBinaryData(itemIndex, field);
        const outcome = await mirrorBinary(this, meta, field, outputPrefix, itemIndex);
        return { resultKeys: [outcome.key], uploaded: outcome.skipped ? 0 : 1, skipped: outcome.skipped ? 1 : 0 };
      }
      const urls = parseUrlList(this.getNodeParameter('urls', itemIndex), this, itemIndex);
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
