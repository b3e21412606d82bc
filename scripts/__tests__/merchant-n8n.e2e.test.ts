/**
 * A merchant's automation through the real pinned n8n: the ready-made example flows are imported
 * with `importExamples` (what `npm run workflows:examples` runs) into the same n8n that runs the
 * platform's own flows, with the merchant's API key in the "AI Photo account" credential. They
 * create tasks from a photo served on loopback, get `task.done` through "AI Photo Trigger
 * (events)" (Standard Webhooks signature verified by the node), send 12 results of a
 * model_pose12 as a ZIP, and register/remove the trigger's endpoint as they are (de)activated.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { readZip } from '../../backend/src/modules/media/__tests__/zip-reader';
import { importExamples } from '../../workflows/src/cli/examples';
import { publicApiFromEnv } from '../../workflows/src/cli/cli-config';
import { N8nSession } from '../../workflows/src/runtime/n8n-client';
import { readWorkflowDir } from '../../workflows/src/runtime/workflow-files';
import { editorProblems } from '../../workflows/__tests__/support/editor-check';
import type { INodeTypeDescription } from 'n8n-workflow';
import { buildArtifacts, startStack, type Stack } from '../stack';
import { requestJson, signUpMember, type Merchant } from '../stack-client';
import { startMerchantSite } from './support/merchant-site';
import { screenshotNode } from './support/n8n-editor';
import { waitFor } from '../../jest/wait-for';

jest.setTimeout(180_000);

const TRIGGER_WEBHOOK_ID = '9a7e5c13-2d4b-4f6a-b1c8-7e3f0d2a1001';
const SCREENSHOT = path.resolve(__dirname, '../../test-artifacts/screenshots/n8n-ai-photo-node.png');

let stack: Stack;
let dataDir: string;
let site: Awaited<ReturnType<typeof startMerchantSite>>;
let merchant: Merchant;
let apiKey: { key: string; prefix: string };
let env: Record<string, string>;

interface Endpoint {
  id: string;
  url: string;
  events: string[];
  apiKeyPrefix: string | null;
}

const api = <T>(url: string, options: { method?: string; body?: unknown } = {}) =>
  requestJson<T>(`${stack.backend.url}${url}`, { ...options, token: merchant.token });
const endpoints = async () => (await api<{ items: Endpoint[] }>('/api/v1/webhooks')).items;
const n8nApi = () => publicApiFromEnv(env);
const workflowId = async (prefix: string) =>
  (await n8nApi().list<{ id: string; name: string }>('/workflows')).find((w) => w.name.startsWith(prefix))!.id;

/** POSTs to a production webhook of n8n, retrying only while it is not registered yet (404). */
async function postWebhook(pathName: string, init: { body: string | FormData; json?: boolean }): Promise<Response> {
  return waitFor(
    () =>
      fetch(`${stack.n8n.url}/webhook/${pathName}`, {
        method: 'POST',
        headers: init.json ? { 'content-type': 'application/json' } : undefined,
        body: init.body,
      }),
    (res) => res.status !== 404,
  );
}

async function garment(): Promise<Buffer> {
  const shape = await sharp({ create: { width: 360, height: 460, channels: 3, background: { r: 40, g: 90, b: 200 } } })
    .png()
    .toBuffer();
  return sharp({ create: { width: 900, height: 1000, channels: 3, background: { r: 175, g: 178, b: 180 } } })
    .composite([{ input: shape, left: 270, top: 270 }])
    .jpeg({ quality: 92 })
    .toBuffer();
}

beforeAll(async () => {
  buildArtifacts(() => undefined, { onlyMissing: true });
  dataDir = mkdtempSync(path.join(os.tmpdir(), 'aiphoto-merchant-n8n-'));
  site = await startMerchantSite({ 'garment.jpg': await garment() });
  stack = await startStack({
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', WEBHOOK_POLL_INTERVAL_MS: '200' },
    dataDir,
    ports: { backend: 0, n8n: 0, sandbox: 0 },
    sandboxTiming: { queueMs: 0, runMs: 300 },
  });
  merchant = await signUpMember(stack);
  apiKey = await api('/api/v1/api-keys', { body: { name: 'my n8n' } });
  env = {
    N8N_BASE_URL: stack.n8n.url,
    N8N_USER_FOLDER: path.join(dataDir, 'n8n'),
    AIPHOTO_BASE_URL: stack.backend.url,
    AIPHOTO_API_KEY: apiKey.key,
  };
  await importExamples(['--results-url', `${site.url}/erp`, '--activate'], env);
}, 15 * 60_000);

afterAll(async () => {
  await stack?.close();
  await site?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}, 60_000);

describe('the example flows in a merchant’s n8n, with an API key', () => {
  it('open cleanly in the editor (known node types and versions, no parameter issues)', async () => {
    const session = await N8nSession.login(stack.n8n.url, stack.owner);
    const types = await session.get<INodeTypeDescription[]>('/types/nodes.json');
    const files = await readWorkflowDir(path.resolve(__dirname, '../../workflows/examples'));
    expect(files).toHaveLength(3);
    for (const { workflow } of files) expect(editorProblems(workflow, types)).toEqual([]);
  });

  it('tests the AI Photo account credential with a call that needs the key: a wrong key fails', async () => {
    const session = await N8nSession.login(stack.n8n.url, stack.owner);
    const credentials = await n8nApi().list<{ id: string; name: string; type: string }>('/credentials');
    const account = credentials.find((c) => c.type === 'aiPhotoAccountApi')!;
    // The editor's "Test" button: n8n runs the credential type's test request with these values.
    const test = (key: string) =>
      session.post<{ data: { status: string; message: string } }>('/rest/credentials/test', {
        credentials: { ...account, data: { baseUrl: stack.backend.url, apiKey: key } },
      });
    expect((await test(apiKey.key)).data.status).toBe('OK');
    expect((await test('ak_00000000_not-a-key')).data.status).toBe('Error');
  });

  it("tests the operator's AI Photo Backend API credential with a signed request: a wrong shared secret fails", async () => {
    const session = await N8nSession.login(stack.n8n.url, stack.owner);
    const credentials = await n8nApi().list<{ id: string; name: string; type: string }>('/credentials');
    const backendCredential = credentials.find((c) => c.type === 'aiPhotoApi')!;
    // The editor's "Test" button: n8n signs the test request (GET /api/v1/internal/n8n/ping) with the secret.
    const test = (sharedSecret: string) =>
      session.post<{ data: { status: string; message: string } }>('/rest/credentials/test', {
        credentials: { ...backendCredential, data: { baseUrl: stack.backend.url, sharedSecret, redisUrl: '' } },
      });
    expect((await test(stack.config.n8n.sharedSecret)).data.status).toBe('OK');
    expect((await test(`${stack.config.n8n.sharedSecret}-but-wrong`)).data.status).toBe('Error');
  });

  it('activating the events flow registers its trigger as an endpoint of the merchant, owned by the key', async () => {
    const [endpoint] = await endpoints();
    expect(endpoint).toMatchObject({
      url: `${stack.n8n.url}/webhook/${TRIGGER_WEBHOOK_ID}/aiphoto-events`,
      events: ['task.done'],
      apiKeyPrefix: apiKey.prefix,
    });
    expect(await endpoints()).toHaveLength(1);
  });

  it('photo URL in → basic_clean → result URLs out; task.done reaches the merchant through the verified trigger', async () => {
    const res = await postWebhook('aiphoto-example-clean', {
      body: JSON.stringify({ url: `${site.url}/shop/garment.jpg` }),
      json: true,
    });
    expect(res.status).toBe(200);
    const out = (await res.json()) as { taskId: string; status: string; resultUrls: string[] };
    expect(out).toMatchObject({ status: 'done', resultUrls: [expect.stringContaining(`/${out.taskId}/main.jpg`)] });
    const image = await sharp(Buffer.from(await (await fetch(out.resultUrls[0])).arrayBuffer())).metadata();
    expect([image.width, image.height, image.format]).toEqual([800, 800, 'jpeg']);
    // The photo came in by URL: the task's input is the merchant's own upload.
    const task = await api<{ inputKey: string }>(`/api/v1/tasks/${out.taskId}`);
    expect(task.inputKey.startsWith(`input/${merchant.userId}/`)).toBe(true);

    const [event] = await waitFor(
      () => site.json().filter((b) => b.taskId === out.taskId),
      (got) => got.length === 1,
      { timeoutMs: 60_000 },
    );
    expect(event).toMatchObject({ type: 'basic_clean', resultUrls: [expect.stringContaining('/main.jpg')] });
    const [endpoint] = await endpoints();
    const log = await api<{ items: Array<Record<string, unknown>> }>(`/api/v1/webhooks/${endpoint.id}/deliveries`);
    expect(log.items.find((d) => d.taskId === out.taskId)).toMatchObject({
      type: 'task.done',
      status: 'delivered',
      lastStatusCode: 200,
      eventId: event.eventId,
    });
  });

  it('answers a forged delivery to the trigger with 401 and runs nothing', async () => {
    const flow = await workflowId('AI Photo example · task.done');
    const runs = async () => (await n8nApi().list(`/executions?workflowId=${flow}`)).length;
    const before = await runs();
    const body = JSON.stringify({ id: 'forged', type: 'task.done', data: { id: 'x', resultUrls: [] } });
    const forged = await fetch(`${stack.n8n.url}/webhook/${TRIGGER_WEBHOOK_ID}/aiphoto-events`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': 'forged',
        'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
        'webhook-signature': `v1,${Buffer.alloc(32).toString('base64')}`,
      },
      body,
    });
    expect(forged.status).toBe(401);
    expect(((await forged.json()) as { error: { code: string } }).error.code).toBe('SIGNATURE_INVALID');
    expect(await runs()).toBe(before);
    expect(site.json().some((b) => b.eventId === 'forged')).toBe(false);
  });

  it('a spreadsheet of photos → model_pose12 → one ZIP of 12 images to the merchant’s system', async () => {
    const sku = `SKU-${Date.now()}`;
    const csv = `sku,imageUrl,scene,category\n${sku},${site.url}/shop/garment.jpg,studio,dress\n`;
    const form = new FormData();
    form.append('file', new Blob([csv], { type: 'text/csv' }), 'photos.csv');
    expect((await postWebhook('aiphoto-example-batch', { body: form })).status).toBe(200);

    const sent = await waitFor(
      async () => (await site.forms()).filter((f) => f.get('sku') === sku),
      (forms) => forms.length === 1,
      { timeoutMs: 120_000 },
    );
    const zip = sent[0].get('file') as File;
    const names = readZip(Buffer.from(await zip.arrayBuffer())).map((e) => e.name);
    // Entries are named after the upload (the URL's last segment, garment.jpg): garment_pose01.png …
    expect(names.sort()).toEqual(
      Array.from({ length: 12 }, (_, i) => `garment_pose${String(i + 1).padStart(2, '0')}.png`),
    );
    const taskId = String(sent[0].get('taskId'));
    expect(await api<{ type: string; status: string }>(`/api/v1/tasks/${taskId}`)).toMatchObject({
      type: 'model_pose12',
      status: 'done',
    });
    // The events flow got the same task's task.done with its 12 signed URLs.
    const [event] = await waitFor(
      () => site.json().filter((b) => b.taskId === taskId),
      (got) => got.length === 1,
      { timeoutMs: 60_000 },
    );
    expect(event.resultUrls).toHaveLength(12);
  });

  it('shows the AI Photo node in the editor with its type and parameters loaded from the API', async () => {
    await screenshotNode({
      n8nUrl: stack.n8n.url,
      owner: stack.owner,
      workflowId: await workflowId('AI Photo example · spreadsheet'),
      nodeName: 'AI Photo: 12 poses',
      expectText: ['AI model, 12 poses', 'Scene', 'Garment category'],
      file: SCREENSHOT,
    });
  });

  it('deactivating the events flow removes its endpoint; activating registers a fresh one', async () => {
    const flow = await workflowId('AI Photo example · task.done');
    const [before] = await endpoints();
    await n8nApi().call('POST', `/workflows/${flow}/deactivate`);
    expect(await endpoints()).toEqual([]);
    await n8nApi().call('POST', `/workflows/${flow}/activate`, {});
    const after = await endpoints();
    expect(after).toHaveLength(1);
    expect(after[0].id).not.toBe(before.id);
    expect(after[0].apiKeyPrefix).toBe(apiKey.prefix);
  });
});
