import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { runPerItem } from '../../../shared/run-items';
import * as uploadFile from './file/uploadFile.operation';
import * as getOutputs from './task/getOutputs.operation';
import * as getStatus from './task/getStatus.operation';
import * as runAiApp from './task/runAiApp.operation';

const operations = { runAiApp, getOutputs, getStatus, uploadFile };

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	return runPerItem(this, async (itemIndex) => {
		const operation = this.getNodeParameter('operation', itemIndex) as string;
		const handler = operations[operation as keyof typeof operations];
		if (!handler) throw new NodeOperationError(this.getNode(), `Unknown operation "${operation}"`, { itemIndex });
		return handler.execute.call(this, itemIndex);
	});
}
