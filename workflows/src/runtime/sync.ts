import { setTimeout as sleep } from 'node:timers/promises';
import { CredentialSchema, completeCredentialData } from './credential-data';
import { N8nPublicApi } from './n8n-client';
import {
  KnownCredential,
  WorkflowFile,
  mapCredentialNamesToIds,
  sameWorkflow,
  toApiBody,
  webhookPaths,
} from './workflow-json';

export interface CredentialSpec {
  name: string;
  /** Credential type, e.g. `aiPhotoApi`. */
  type: string;
  data: Record<string, unknown>;
}

export interface SyncedWorkflow {
  name: string;
  id: string;
  action: 'created' | 'updated' | 'unchanged';
  webhookPaths: string[];
}

interface LiveWorkflow {
  id: string;
  name: string;
  active: boolean;
  isArchived?: boolean;
  nodes: unknown[];
  connections: unknown;
  settings: unknown;
}

/**
 * Creates or updates each credential by name (values always replaced, so rotating a secret
 * in env takes effect on the next start) and returns every credential n8n now has.
 */
export async function syncCredentials(api: N8nPublicApi, specs: CredentialSpec[]): Promise<KnownCredential[]> {
  const known = await api.list<KnownCredential>('/credentials');
  for (const spec of specs) {
    const existing = known.find((cred) => cred.name === spec.name && cred.type === spec.type);
    const schema = await api.call<CredentialSchema>('GET', `/credentials/schema/${encodeURIComponent(spec.type)}`);
    const body = { name: spec.name, type: spec.type, data: completeCredentialData(spec.data, schema) };
    if (existing) {
      await api.call('PATCH', `/credentials/${existing.id}`, body);
    } else {
      const created = await api.call<KnownCredential>('POST', '/credentials', body);
      known.push({ id: created.id, name: created.name, type: created.type });
    }
  }
  return known;
}

export async function listWorkflows(api: N8nPublicApi): Promise<LiveWorkflow[]> {
  return (await api.list<LiveWorkflow>('/workflows')).filter((wf) => !wf.isArchived);
}

/**
 * Creates or updates each workflow by name and makes sure it is active (in 2.8.4
 * `POST /workflows/:id/activate` publishes the current version; a `PUT` on an active
 * workflow re-publishes it). Unchanged, active workflows are left alone. With
 * `activate: false` new workflows stay inactive (the editor's own import does the same).
 */
export async function syncWorkflows(
  api: N8nPublicApi,
  workflows: WorkflowFile[],
  credentials: KnownCredential[],
  options: { activate?: boolean } = {},
): Promise<SyncedWorkflow[]> {
  const live = await listWorkflows(api);
  const result: SyncedWorkflow[] = [];
  for (const workflow of workflows) {
    const desired = mapCredentialNamesToIds(workflow, credentials);
    const existing = live.find((wf) => wf.name === workflow.name);
    let id: string;
    let action: SyncedWorkflow['action'];
    let active: boolean;
    if (!existing) {
      const created = await api.call<LiveWorkflow>('POST', '/workflows', toApiBody(desired));
      [id, action, active] = [created.id, 'created', false];
    } else if (sameWorkflow(existing, desired)) {
      [id, action, active] = [existing.id, 'unchanged', existing.active];
    } else {
      const updated = await api.call<LiveWorkflow>('PUT', `/workflows/${existing.id}`, toApiBody(desired));
      [id, action, active] = [existing.id, 'updated', updated.active];
    }
    if (!active && options.activate !== false) await api.call('POST', `/workflows/${id}/activate`, {});
    result.push({ name: workflow.name, id, action, webhookPaths: webhookPaths(workflow) });
  }
  return result;
}

/**
 * Webhook registration can lag activation: poll each production URL until it stops
 * answering 404. The probe carries no signature, so the AI Photo trigger rejects it (401)
 * without starting an execution.
 */
export async function waitForWebhooks(baseUrl: string, paths: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (const path of paths) {
    const url = `${baseUrl}/webhook/${path}`;
    for (;;) {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
      await res.arrayBuffer();
      if (res.status !== 404) break;
      if (Date.now() > deadline)
        throw new Error(`${url} still answers 404 after ${timeoutMs} ms: is the workflow active?`);
      await sleep(250);
    }
  }
}
