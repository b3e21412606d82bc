import { existsSync, promises as fs } from 'node:fs';
import { N8nHttpError, N8nPublicApi, N8nSession, OwnerAccount } from './n8n-client';
import { apiKeyFile } from './paths';
import { readWorkflowDir } from './workflow-files';
import { syncCredentials, syncWorkflows, waitForWebhooks, CredentialSpec, SyncedWorkflow } from './sync';

export type { CredentialSpec, SyncedWorkflow } from './sync';

export interface ProvisionOptions {
  url: string;
  userFolder: string;
  owner: OwnerAccount;
  /** Created or updated by name; values come from the caller (env), never from the repo. */
  credentials: CredentialSpec[];
  /** Folder of workflow JSON files (the repo's `workflows/`). */
  workflowsDir?: string;
  /** Where production webhooks answer: the webhook process in queue mode; default `url`. */
  webhookUrl?: string;
  /** How long to wait for each production webhook to answer something other than 404. */
  webhookTimeoutMs?: number;
  onProgress?: (message: string) => void;
}

export interface ProvisionResult {
  apiKey: string;
  credentialIds: Record<string, string>;
  workflows: SyncedWorkflow[];
}

interface SavedApiKey {
  apiKey: string;
  ownerEmail: string;
}

async function readSavedKey(userFolder: string, ownerEmail: string): Promise<string | undefined> {
  const file = apiKeyFile(userFolder);
  if (!existsSync(file)) return undefined;
  const saved = JSON.parse(await fs.readFile(file, 'utf8')) as SavedApiKey;
  return saved.ownerEmail === ownerEmail ? saved.apiKey : undefined;
}

async function keyWorks(url: string, apiKey: string): Promise<boolean> {
  try {
    await new N8nPublicApi(url, apiKey).call('GET', '/workflows?limit=1');
    return true;
  } catch (error) {
    if (error instanceof N8nHttpError && (error.status === 401 || error.status === 403)) return false;
    throw error;
  }
}

/** A session for the owner: creates the owner on a fresh n8n, logs in on one set up before. */
export async function ownerSession(url: string, owner: OwnerAccount): Promise<N8nSession> {
  return (await N8nSession.setupOwner(url, owner)) ?? N8nSession.login(url, owner);
}

/** The saved public API key when it still works, otherwise a new one (saved for next time). */
export async function ensureApiKey(
  url: string,
  userFolder: string,
  session: N8nSession,
  ownerEmail: string,
): Promise<string> {
  const saved = await readSavedKey(userFolder, ownerEmail);
  if (saved && (await keyWorks(url, saved))) return saved;
  // Without the API-key-scopes licence n8n grants the role's scopes whatever we ask for; asking
  // for exactly those keeps this working when a licence is present too.
  const scopes = await session.get<{ data: string[] }>('/rest/api-keys/scopes');
  const created = await session.post<{ data: { rawApiKey: string } }>('/rest/api-keys', {
    label: `aiphoto provisioning ${new Date().toISOString().slice(0, 19)}`,
    scopes: scopes.data,
    expiresAt: null,
  });
  const apiKey = created.data.rawApiKey;
  const record: SavedApiKey = { apiKey, ownerEmail };
  await fs.writeFile(apiKeyFile(userFolder), `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  return apiKey;
}

/**
 * Every node type and version the workflows use must be one n8n loaded, or activation fails
 * obscurely. `/types/node-versions.json` lists them as `type@version` (43 KB, where the full
 * `nodes.json` the editor loads is ~15 MB).
 */
async function assertNodeTypesLoaded(session: N8nSession, used: Set<string>): Promise<void> {
  const loaded = new Set(await session.get<string[]>('/types/node-versions.json'));
  const missing = [...used].filter((typeAtVersion) => !loaded.has(typeAtVersion));
  if (missing.length > 0) {
    throw new Error(
      `n8n did not load node types ${missing.join(', ')}: is n8n-nodes-aiphoto built and installed (installNodePackage) before startN8n?`,
    );
  }
}

/**
 * Brings a running n8n to the state the repo describes: owner, API key, credentials,
 * workflows (created or updated by name, activated), production webhooks answering.
 * Idempotent: on a warm start it reuses the owner and key and skips unchanged workflows.
 */
export async function provision(options: ProvisionOptions): Promise<ProvisionResult> {
  const log = options.onProgress ?? (() => undefined);
  const session = await ownerSession(options.url, options.owner);
  const apiKey = await ensureApiKey(options.url, options.userFolder, session, options.owner.email);
  const api = new N8nPublicApi(options.url, apiKey);

  const files = await readWorkflowDir(options.workflowsDir);
  await assertNodeTypesLoaded(
    session,
    new Set(files.flatMap(({ workflow }) => workflow.nodes.map((node) => `${node.type}@${node.typeVersion}`))),
  );

  const credentials = await syncCredentials(api, options.credentials);
  log(`credentials: ${credentials.map((c) => c.name).join(', ') || 'none'}`);
  const workflows = await syncWorkflows(
    api,
    files.map((f) => f.workflow),
    credentials,
  );
  for (const wf of workflows)
    log(`workflow "${wf.name}" ${wf.action} (id ${wf.id}), webhooks: ${wf.webhookPaths.join(', ') || 'none'}`);
  await waitForWebhooks(
    options.webhookUrl ?? options.url,
    workflows.flatMap((wf) => wf.webhookPaths),
    options.webhookTimeoutMs ?? 30_000,
  );
  return { apiKey, credentialIds: Object.fromEntries(credentials.map((c) => [c.name, c.id])), workflows };
}
