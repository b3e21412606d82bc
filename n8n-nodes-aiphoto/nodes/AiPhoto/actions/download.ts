import { NodeOperationError, type IExecuteFunctions, type INodeExecutionData } from 'n8n-workflow';

import { requiredString } from '../../../common/run-items';
import { bodyAsBuffer, headerString, type FullResponse } from '../../../transport/http';
import { accountRequest } from '../../../transport/account-api';
import { getTask } from '../task-api';

/** The file name in a result URL's path (`…/output/<user>/<task>/01.png?sign=…` → `01.png`). */
function fileNameOf(url: string, fallback: string): string {
  try {
    return decodeURIComponent(new URL(url).pathname.split('/').pop() || fallback);
  } catch {
    return fallback;
  }
}

/** Task → Download Results: one ZIP item, or one item per image, as binary data. */
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
    const binary = await this.helpers.prepareBinaryData(zip, `aiphoto-${task.id}.zip`, 'application/zip');
    return [{ json: { taskId: task.id, files: task.resultUrls.length }, binary: { [field]: binary } }];
  }
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
    const name = fileNameOf(url, `${String(index + 1).padStart(2, '0')}.png`);
    const type = headerString(response.headers, 'content-type') ?? 'application/octet-stream';
    const binary = await this.helpers.prepareBinaryData(bodyAsBuffer(response.body), name, type);
    out.push({ json: { taskId: task.id, index: index + 1, fileName: name }, binary: { [field]: binary } });
  }
  return out;
}
