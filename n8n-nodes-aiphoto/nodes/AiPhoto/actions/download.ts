import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { requiredString } from '../../../common/run-items';
import { bodyAsBuffer, headerString, type FullResponse } from '../../../transport/http';
import { accountRequest } from '../../../transport/account-api';
import { resultFileNames, resultZipName } from '../result-names';
import { getTask } from '../task-api';

/**
 * Task → Download Results: one ZIP item, or one item per image, as binary data, named as the
 * portal names downloads (after the upload: `白T恤_main.jpg`, `白T恤.zip`).
 */
export async function download(this: IExecuteFunctions, i: number): Promise<INodeExecutionData[]> {
  const taskId = requiredString(this, 'taskId', 'Task ID', i);
  const field = requiredString(this, 'outputBinaryField', 'Put Output File in Field', i);
  const task = await getTask(this, taskId, i);
  if (task.status !== 'done') {
    throw new NodeOperationError(
      this.getNode(),
      `Task ${task.id} is ${task.status}; results exist once it is done (TASK_NOT_DONE)`,
      {
        itemIndex: i,
      },
    );
  }
  if (this.getNodeParameter('downloadAs', i, 'zip') === 'zip') {
    const zip = await accountRequest<Buffer>(this, {
      method: 'GET',
      path: `/api/v1/tasks/${encodeURIComponent(task.id)}/download`,
      binary: true,
      itemIndex: i,
    });
    const binary = await this.helpers.prepareBinaryData(zip, resultZipName(task), 'application/zip');
    return [{ json: { taskId: task.id, files: task.resultUrls.length }, binary: { [field]: binary } }];
  }
  const names = resultFileNames({ ...task, results: task.resultUrls });
  const out: INodeExecutionData[] = [];
  for (const [index, url] of task.resultUrls.entries()) {
    // Result URLs are signed and short-lived: fetched as they are, without the API key.
    const response = (await this.helpers.httpRequest({
      method: 'GET',
      url,
      encoding: 'arraybuffer',
      returnFullResponse: true,
      timeout: 60_000,
    })) as FullResponse;
    const name = names[index];
    const type = headerString(response.headers, 'content-type') ?? 'application/octet-stream';
    const binary = await this.helpers.prepareBinaryData(bodyAsBuffer(response.body), name, type);
    out.push({ json: { taskId: task.id, index: index + 1, fileName: name }, binary: { [field]: binary } });
  }
  return out;
}
