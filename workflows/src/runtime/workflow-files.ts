import { promises as fs } from 'node:fs';
import path from 'node:path';
import { WorkflowFile, normaliseWorkflow } from './workflow-json';
import { WORKFLOWS_ROOT } from './paths';

/** The repo's workflow folder: `workflows/*.json` beside package.json. */
export const DEFAULT_WORKFLOWS_DIR = WORKFLOWS_ROOT;

/** Files in the folder that are not workflows. */
const NOT_WORKFLOWS = new Set(['package.json', 'tsconfig.json']);

export interface WorkflowOnDisk {
  file: string;
  workflow: WorkflowFile;
}

export async function readWorkflowDir(dir: string = DEFAULT_WORKFLOWS_DIR): Promise<WorkflowOnDisk[]> {
  const names = (await fs.readdir(dir)).filter((name) => name.endsWith('.json') && !NOT_WORKFLOWS.has(name)).sort();
  const result: WorkflowOnDisk[] = [];
  for (const name of names) {
    const file = path.join(dir, name);
    try {
      result.push({ file, workflow: normaliseWorkflow(JSON.parse(await fs.readFile(file, 'utf8'))) });
    } catch (error) {
      throw new Error(`${file}: ${(error as Error).message}`);
    }
  }
  const seen = new Set<string>();
  for (const { file, workflow } of result) {
    // n8n matches by name on import; two files with one name would overwrite each other.
    if (seen.has(workflow.name)) throw new Error(`${file}: another file already defines workflow "${workflow.name}"`);
    seen.add(workflow.name);
  }
  return result;
}
