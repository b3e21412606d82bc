/**
 * `npm run import -w @aiphoto/workflows [-- --dir <folder>]`
 * Pushes the repo JSON into a running n8n: creates or updates each workflow by name, maps
 * credential names to that instance's ids, activates, and waits for the production webhooks.
 * Credentials themselves are created by `npm start` (from env); this only refers to them.
 */
import path from 'node:path';
import { listWorkflows, syncWorkflows, waitForWebhooks } from '../runtime/sync';
import type { KnownCredential } from '../runtime/workflow-json';
import { DEFAULT_WORKFLOWS_DIR, readWorkflowDir } from '../runtime/workflow-files';
import { argValue, publicApiFromEnv } from './cli-config';

export async function importWorkflows(argv: string[]): Promise<string[]> {
  const dir = path.resolve(argValue(argv, '--dir') ?? DEFAULT_WORKFLOWS_DIR);
  const api = publicApiFromEnv();
  const files = await readWorkflowDir(dir);
  const credentials = await api.list<KnownCredential>('/credentials');
  const synced = await syncWorkflows(
    api,
    files.map((f) => f.workflow),
    credentials,
  );
  await waitForWebhooks(
    api.baseUrl,
    synced.flatMap((wf) => wf.webhookPaths),
    30_000,
  );
  const names = new Set(synced.map((wf) => wf.name));
  const others = (await listWorkflows(api)).filter((wf) => !names.has(wf.name)).map((wf) => `"${wf.name}"`);
  return [
    ...synced.map(
      (wf) =>
        `${wf.action} "${wf.name}" (id ${wf.id}) → ${wf.webhookPaths.map((p) => `/webhook/${p}`).join(', ') || 'no webhook'}`,
    ),
    ...(others.length ? [`left alone (not in ${dir}): ${others.join(', ')}`] : []),
  ];
}

if (require.main === module) {
  importWorkflows(process.argv.slice(2)).then(
    (messages) => console.log(messages.join('\n')),
    (error: Error) => {
      console.error(`import failed: ${error.message}`);
      process.exitCode = 1;
    },
  );
}
