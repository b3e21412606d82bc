import {
  NodeConnectionTypes,
  type IExecuteFunctions,
  type INodeExecutionData,
  type INodeType,
  type INodeTypeDescription,
} from 'n8n-workflow';

import { retryOptions } from './actions/common';
import * as uploadFile from './actions/file/uploadFile.operation';
import { router } from './actions/router';
import * as getOutputs from './actions/task/getOutputs.operation';
import * as getStatus from './actions/task/getStatus.operation';
import * as runAiApp from './actions/task/runAiApp.operation';

export class RunningHub implements INodeType {
  description: INodeTypeDescription = {
    displayName: 'RunningHub',
    name: 'runningHub',
    icon: { light: 'file:../../icons/runningHub.svg', dark: 'file:../../icons/runningHub.dark.svg' },
    group: ['transform'],
    version: 1,
    subtitle: '={{ $parameter["operation"] + ": " + $parameter["resource"] }}',
    description: 'Run RunningHub AI apps (ComfyUI workflows) and collect their outputs',
    defaults: { name: 'RunningHub' },
    usableAsTool: true,
    inputs: [NodeConnectionTypes.Main],
    outputs: [NodeConnectionTypes.Main],
    credentials: [{ name: 'runningHubApi', required: true }],
    properties: [
      {
        displayName: 'Resource',
        name: 'resource',
        type: 'options',
        noDataExpression: true,
        description: 'Task: start AI app runs and read their results. File: upload an input file for a run.',
        options: [
          { name: 'File', value: 'file', description: 'Upload an input file for AI apps' },
          { name: 'Task', value: 'task', description: 'Run an AI app and follow the run to its outputs' },
        ],
        default: 'task',
      },
      {
        displayName: 'Operation',
        name: 'operation',
        type: 'options',
        noDataExpression: true,
        displayOptions: { show: { resource: ['task'] } },
        options: [
          {
            name: 'Get Outputs',
            value: 'getOutputs',
            action: 'Get the outputs of a run',
            description: 'State of a run (queued, running, success, failed) and its output files',
          },
          {
            name: 'Get Status',
            value: 'getStatus',
            action: 'Get the status of a run',
            description: 'RunningHub status (QUEUED, RUNNING, SUCCESS, FAILED); prefer Get Outputs',
          },
          {
            name: 'Run AI App',
            value: 'runAiApp',
            action: 'Run an AI app',
            description: 'Start a run with prompt, reference image and seed; returns the RunningHub task ID',
          },
        ],
        default: 'runAiApp',
      },
      {
        displayName: 'Operation',
        name: 'operation',
        type: 'options',
        noDataExpression: true,
        displayOptions: { show: { resource: ['file'] } },
        options: [
          {
            name: 'Upload',
            value: 'uploadFile',
            action: 'Upload a file',
            description: 'Upload a binary file as an input for AI apps; returns its fileName',
          },
        ],
        default: 'uploadFile',
      },
      ...runAiApp.description,
      ...getOutputs.description,
      ...getStatus.description,
      ...uploadFile.description,
      retryOptions,
    ],
  };

  async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
    return router.call(this);
  }
}
