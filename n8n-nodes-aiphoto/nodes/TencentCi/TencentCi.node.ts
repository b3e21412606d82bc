import {
  NodeConnectionTypes,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
} from 'n8n-workflow';

import * as applyRule from './actions/image/applyRule.operation';
import * as auditImage from './actions/image/auditImage.operation';
import * as basicClean from './actions/image/basicClean.operation';
import { router } from './actions/router';

export class TencentCi implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'Tencent CI',
    name: 'tencentCi',
    icon: { light: 'file:../../icons/tencentCi.svg', dark: 'file:../../icons/tencentCi.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle:
      '={{ { basicClean: "Product clean (white background)", applyRule: "Apply rule", auditImage: "Image audit" }[$parameter["operation"]] }}',
    description: 'Process images stored in Tencent COS with Tencent Cloud CI (数据万象)',
    defaults: { name: 'Tencent CI' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    credentials: [{ name: 'tencentCloudApi', required: true }],
    properties: [
      {
        displayName: 'Operation',
        name: 'operation',
        type: 'options',
        noDataExpression: true,
        options: [
          {
            name: 'Product Clean (basic_clean)',
            value: 'basicClean',
            action: 'Clean a product photo',
            description: 'Auto-orient, fit 800×800, cut out the product and place it on white; writes main.jpg',
          },
          {
            name: 'Apply Rule',
            value: 'applyRule',
            action: 'Apply a processing rule',
            description: 'Run any Tencent CI rule on a stored object and store the result',
          },
          {
            name: 'Image Audit',
            value: 'auditImage',
            action: 'Audit images for unsafe content',
            description:
              'Tencent CI content moderation (sensitive-content-recognition) of stored images; fails the audit when a risk score is over the threshold',
          },
        ],
        default: 'basicClean',
      },
      ...basicClean.description,
      ...applyRule.description,
      ...auditImage.description,
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return router.call(this);
  }
}
