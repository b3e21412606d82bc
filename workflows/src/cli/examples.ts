/**
 * `npm run workflows:examples [-- --results-url <url>] [--activate] [--dir <folder>]`
 * Imports the ready-made merchant flows of `workflows/examples/` into an n8n (normally the
 * merchant's own): creates or updates the credential "AI Photo account" from AIPHOTO_BASE_URL
 * and AIPHOTO_API_KEY when given, puts `--results-url` (or AIPHOTO_RESULTS_URL) where the flows
 * send results, creates or updates each flow by name, and activates them with `--activate`.
 * Activating "task.done → your system" registers its trigger as a webhook in the AI Photo account.
 */
import path from 'node:path';
import { syncCredentials, syncWorkflows } from '../runtime/sync';
import { readWorkflowDir } from '../runtime/workflow-files';
import type { WorkflowFile } from '../runtime/workflow-json';
import { WORKFLOWS_ROOT } from '../runtime/paths';
import { argValue, publicApiFromEnv } from './cli-config';

type Env = Record<string, string | undefined>;

export const EXAMPLES_DIR = path.join(WORKFLOWS_ROOT, 'examples');
/** The credential name the example flows refer to. */
export const ACCOUNT_CREDENTIAL_NAME = 'AI Photo account';
/** Where the example flows send results until it is replaced (in the editor or by --results-url). */
export const RESULTS_URL_PLACEHOLDER = 'https://your-system.example/aiphoto/results';

/** The flows with every placeholder results URL replaced (node parameters only, as text). */
export function withResultsUrl(workflow: WorkflowFile, resultsUrl: string): WorkflowFile {
  const nodes = workflow.nodes.map((node) => ({
    ...node,
    parameters: JSON.parse(
      JSON.stringify(node.parameters).split(RESULTS_URL_PLACEHOLDER).join(resultsUrl),
    ) as WorkflowFile['nodes'][number]['parameters'],
  }));
  return { ...workflow, nodes };
}

export async function importExamples(argv: string[], env: Env = process.env): Promise<string[]> {
  const dir = path.resolve(argValue(argv, '--dir') ?? EXAMPLES_DIR);
  const api = publicApiFromEnv(env);
  const messages: string[] = [];
  if (env.AIPHOTO_API_KEY) {
    const baseUrl = (env.AIPHOTO_BASE_URL || 'http://127.0.0.1:3000').replace(/\/+$/, '');
    const data = { baseUrl, apiKey: env.AIPHOTO_API_KEY };
    await syncCredentials(api, [{ name: ACCOUNT_CREDENTIAL_NAME, type: 'aiPhotoAccountApi', data }]);
    messages.push(`credential "${ACCOUNT_CREDENTIAL_NAME}" → ${baseUrl}`);
  }
  const resultsUrl = argValue(argv, '--results-url') ?? env.AIPHOTO_RESULTS_URL;
  const workflows = (await readWorkflowDir(dir)).map(({ workflow }) =>
    resultsUrl ? withResultsUrl(workflow, resultsUrl) : workflow,
  );
  const activate = argv.includes('--activate');
  const synced = await syncWorkflows(api, workflows, await api.list('/credentials'), { activate });
  for (const wf of synced) {
    const urls = wf.webhookPaths.map((p) => `${api.baseUrl}/webhook/${p}`).join(', ');
    messages.push(`${wf.action} "${wf.name}" (id ${wf.id})${urls ? ` → ${urls}` : ''}`);
  }
  if (!activate)
    messages.push('left inactive: set your results URL, then activate them in the editor (or rerun with --activate)');
  return messages;
}

if (require.main === module) {
  importExamples(process.argv.slice(2)).then(
    (messages) => console.log(messages.join('\n')),
    (error: Error) => {
      console.error(`examples import failed: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
