/**
 * `npm run export -w @aiphoto/workflows [-- --all] [--dir <folder>]`
 * Writes the workflows of a running n8n back into the repo JSON, matched by workflow name,
 * without ids, versions or timestamps (so `git diff` shows only what an operator changed).
 * `--all` also writes workflows that have no file yet.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { listWorkflows } from '../runtime/sync';
import { DEFAULT_WORKFLOWS_DIR, readWorkflowDir } from '../runtime/workflow-files';
import { fileNameFor, normaliseWorkflow, serialiseWorkflow } from '../runtime/workflow-json';
import { argValue, publicApiFromEnv } from './cli-config';

export async function exportWorkflows(argv: string[]): Promise<string[]> {
  const dir = path.resolve(argValue(argv, '--dir') ?? DEFAULT_WORKFLOWS_DIR);
  const api = publicApiFromEnv();
  const fileByName = new Map((await readWorkflowDir(dir)).map(({ file, workflow }) => [workflow.name, file]));
  const messages: string[] = [];
  for (const live of await listWorkflows(api)) {
    let file = fileByName.get(live.name);
    if (!file && !argv.includes('--all')) {
      messages.push(`skipped "${live.name}" (no file in ${dir}; use --all to export it)`);
      continue;
    }
    file ??= path.join(dir, fileNameFor(live.name));
    const text = serialiseWorkflow(normaliseWorkflow(live));
    const before = await fs.readFile(file, 'utf8').catch(() => '');
    if (before === text) {
      messages.push(`unchanged ${path.basename(file)}`);
      continue;
    }
    await fs.writeFile(file, text);
    messages.push(`wrote ${path.basename(file)} ("${live.name}")`);
  }
  return messages;
}

if (require.main === module) {
  exportWorkflows(process.argv.slice(2)).then(
    (messages) => console.log(messages.join('\n')),
    (error: Error) => {
      console.error(`export failed: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
