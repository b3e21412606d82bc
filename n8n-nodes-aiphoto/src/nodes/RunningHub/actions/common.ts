import type { IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { retryPolicyFrom, type RetryPolicy } from '../../../shared/retry';

/** Retry settings, shown for every operation: RunningHub's "busy" answers are common at peak. */
export const retryOptions: INodeProperties = {
	displayName: 'Options',
	name: 'options',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Max Tries',
			name: 'maxTries',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 10 },
			default: 3,
			description: 'How often to try when RunningHub answers "queue full" (421) or "no free instance" (415)',
		},
		{
			displayName: 'Retry Delay (Ms)',
			name: 'retryDelayMs',
			type: 'number',
			typeOptions: { minValue: 0 },
			default: 2000,
			description: 'Wait before the second try; doubles for each further try',
		},
	],
};

export function retryPolicy(ctx: IExecuteFunctions, itemIndex: number): RetryPolicy {
	const options = ctx.getNodeParameter('options', itemIndex, {}) as { maxTries?: number; retryDelayMs?: number };
	return retryPolicyFrom(options.maxTries ?? 3, options.retryDelayMs ?? 2000);
}

export const vendorTaskIdField = (operations: string[]): INodeProperties => ({
	displayName: 'RunningHub Task ID',
	name: 'vendorTaskId',
	type: 'string',
	default: '={{ $json.vendorTaskId }}',
	required: true,
	displayOptions: { show: { operation: operations } },
	description: 'The taskId RunningHub returned when the AI app run started',
});
