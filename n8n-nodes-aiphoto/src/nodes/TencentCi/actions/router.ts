import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { runPerItem } from '../../../shared/run-items';
import * as applyRule from './image/applyRule.operation';
import * as basicClean from './image/basicClean.operation';

const operations = { basicClean, applyRule };

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return runPerItem(this, async (itemIndex) => {
		const operation = this.getNodeParameter('operation', itemIndex) as string;
		const handler = operations[operation as keyof typeof operations];
		if (!handler) throw new NodeOperationError(this.getNode(), `Unknown operation "${operation}"`, { itemIndex });
		return handler.execute.call(this, itemIndex);
	});
}
