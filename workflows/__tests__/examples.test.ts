import { ACCOUNT_CREDENTIAL_NAME, EXAMPLES_DIR, RESULTS_URL_PLACEHOLDER, withResultsUrl } from '../src/cli/examples';
import { readWorkflowDir } from '../src/runtime/workflow-files';
import { serialiseWorkflow, webhookPaths } from '../src/runtime/workflow-json';

/** The ready-made merchant flows as files: what `npm run workflows:examples` imports. */
describe('workflows/examples', () => {
  it('holds the three flows, each using only the merchant credential "AI Photo account"', async () => {
    const files = await readWorkflowDir(EXAMPLES_DIR);
    expect(files.map((f) => f.workflow.name).sort()).toEqual([
      'AI Photo example · photo URL → white background',
      'AI Photo example · spreadsheet batch → 12 poses → ZIP to your system',
      'AI Photo example · task.done → your system',
    ]);
    for (const { workflow } of files) {
      const refs = workflow.nodes.flatMap((n) => Object.entries(n.credentials ?? {}));
      expect(refs.length).toBeGreaterThan(0);
      for (const [type, ref] of refs) expect([type, ref.name]).toEqual(['aiPhotoAccountApi', ACCOUNT_CREDENTIAL_NAME]);
      // Never the operator's nodes: a merchant's n8n has neither their secrets nor their vendors.
      for (const node of workflow.nodes.filter((n) => n.type.startsWith('n8n-nodes-aiphoto.')))
        expect(['n8n-nodes-aiphoto.aiPhoto', 'n8n-nodes-aiphoto.aiPhotoEventTrigger']).toContain(node.type);
    }
    expect(files.flatMap((f) => webhookPaths(f.workflow)).sort()).toEqual([
      'aiphoto-example-batch',
      'aiphoto-example-clean',
    ]);
  });

  it('are stored in the repo form (an export would write them unchanged)', async () => {
    const { promises: fs } = await import('node:fs');
    for (const { file, workflow } of await readWorkflowDir(EXAMPLES_DIR))
      expect(await fs.readFile(file, 'utf8')).toBe(serialiseWorkflow(workflow));
  });

  it('send results to the placeholder until --results-url replaces every occurrence', async () => {
    const files = await readWorkflowDir(EXAMPLES_DIR);
    const senders = files.filter(({ workflow }) => JSON.stringify(workflow).includes(RESULTS_URL_PLACEHOLDER));
    expect(senders).toHaveLength(2);
    for (const { workflow } of senders) {
      const replaced = JSON.stringify(withResultsUrl(workflow, 'https://erp.example/hooks/photos'));
      expect(replaced).not.toContain(RESULTS_URL_PLACEHOLDER);
      expect(replaced).toContain('"url":"https://erp.example/hooks/photos"');
    }
  });
});
