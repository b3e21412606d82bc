/**
 * The workflow JSON kept in the repo, and its conversions to and from n8n's public API.
 * The repo form has no volatile fields (workflow id, versions, timestamps, credential ids),
 * so an export right after an import reproduces the file byte for byte and diffs stay clean.
 */

export interface CredentialRef {
  id?: string;
  name: string;
}

export interface WorkflowNode {
  id?: string;
  name: string;
  type: string;
  typeVersion: number;
  position: [number, number];
  webhookId?: string;
  parameters: Record<string, unknown>;
  credentials?: Record<string, CredentialRef>;
  [flag: string]: unknown;
}

export interface WorkflowFile {
  name: string;
  nodes: WorkflowNode[];
  connections: Record<string, unknown>;
  settings: Record<string, unknown>;
}

/** Node fields the public API accepts besides the core ones (its schema has additionalProperties: false). */
const NODE_FLAGS = [
  'disabled',
  'notes',
  'notesInFlow',
  'executeOnce',
  'alwaysOutputData',
  'retryOnFail',
  'maxTries',
  'waitBetweenTries',
  'onError',
];

/**
 * Settings worth keeping in the repo. `errorWorkflow` and `callerIds` hold ids of one
 * instance, and n8n fills in defaults it adds on save, so neither belongs in the file.
 */
const KEPT_SETTINGS = [
  'executionOrder',
  'saveExecutionProgress',
  'saveManualExecutions',
  'saveDataErrorExecution',
  'saveDataSuccessExecution',
  'executionTimeout',
  'timezone',
  'callerPolicy',
];

/** Values n8n writes into settings by itself; dropping them keeps a round trip stable. */
const SETTING_DEFAULTS: Record<string, unknown> = { callerPolicy: 'workflowsFromSameOwner' };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Recursively sorted object keys: n8n does not preserve key order inside parameters. */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isRecord(value)) return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .map((key) => [key, sortKeys(value[key])]),
  );
}

function normaliseCredentials(raw: unknown, keepIds: boolean): Record<string, CredentialRef> | undefined {
  if (!isRecord(raw) || Object.keys(raw).length === 0) return undefined;
  const out: Record<string, CredentialRef> = {};
  for (const type of Object.keys(raw).sort()) {
    const ref = raw[type];
    if (!isRecord(ref) || typeof ref.name !== 'string') throw new Error(`credential "${type}" has no name`);
    out[type] = keepIds && typeof ref.id === 'string' ? { id: ref.id, name: ref.name } : { name: ref.name };
  }
  return out;
}

function normaliseNode(raw: unknown, keepCredentialIds: boolean): WorkflowNode {
  if (!isRecord(raw) || typeof raw.name !== 'string' || typeof raw.type !== 'string') {
    throw new Error(`not a workflow node: ${JSON.stringify(raw).slice(0, 200)}`);
  }
  const position = Array.isArray(raw.position) ? raw.position.map(Number) : [0, 0];
  const node: WorkflowNode = {
    // Node ids are hand-written and stable, so they stay: n8n would otherwise mint new ones.
    ...(typeof raw.id === 'string' ? { id: raw.id } : {}),
    name: raw.name,
    type: raw.type,
    typeVersion: typeof raw.typeVersion === 'number' ? raw.typeVersion : 1,
    position: [position[0] ?? 0, position[1] ?? 0],
    // The trigger's production URL is derived from webhookId + path, so it must not change.
    ...(typeof raw.webhookId === 'string' ? { webhookId: raw.webhookId } : {}),
    parameters: (sortKeys(isRecord(raw.parameters) ? raw.parameters : {}) as Record<string, unknown>) ?? {},
  };
  const credentials = normaliseCredentials(raw.credentials, keepCredentialIds);
  if (credentials) node.credentials = credentials;
  for (const flag of NODE_FLAGS) {
    if (raw[flag] !== undefined && raw[flag] !== null) node[flag] = raw[flag];
  }
  return node;
}

function normaliseSettings(raw: unknown): Record<string, unknown> {
  const settings = isRecord(raw) ? raw : {};
  const out: Record<string, unknown> = {};
  for (const key of KEPT_SETTINGS) {
    if (settings[key] !== undefined && settings[key] !== SETTING_DEFAULTS[key]) out[key] = settings[key];
  }
  return out;
}

/**
 * Any workflow shape (an export from the editor, a public API response, a repo file) in the
 * repo form: fixed key order, sorted parameters and connections, no volatile fields.
 * `keepCredentialIds` is for comparing a live workflow with what we are about to send.
 */
export function normaliseWorkflow(raw: unknown, options: { keepCredentialIds?: boolean } = {}): WorkflowFile {
  if (!isRecord(raw) || typeof raw.name !== 'string' || !Array.isArray(raw.nodes)) {
    throw new Error('not an n8n workflow (needs name and nodes)');
  }
  return {
    name: raw.name,
    nodes: raw.nodes.map((node) => normaliseNode(node, options.keepCredentialIds ?? false)),
    connections: sortKeys(isRecord(raw.connections) ? raw.connections : {}) as Record<string, unknown>,
    settings: normaliseSettings(raw.settings),
  };
}

/** The text of a repo file: two-space JSON with a final newline, as editors save it. */
export function serialiseWorkflow(workflow: WorkflowFile): string {
  return `${JSON.stringify(workflow, null, 2)}\n`;
}

export interface KnownCredential {
  id: string;
  name: string;
  type: string;
}

/**
 * Replaces credential references by name with the ids of this n8n instance. Fails listing
 * every missing name at once, so an operator fixes the setup in one go.
 */
export function mapCredentialNamesToIds(workflow: WorkflowFile, known: KnownCredential[]): WorkflowFile {
  const missing: string[] = [];
  const nodes = workflow.nodes.map((node) => {
    if (!node.credentials) return node;
    const credentials: Record<string, CredentialRef> = {};
    for (const [type, ref] of Object.entries(node.credentials)) {
      const match = known.find((cred) => cred.name === ref.name && cred.type === type);
      if (match) credentials[type] = { id: match.id, name: match.name };
      else missing.push(`"${ref.name}" (${type}) used by node "${node.name}"`);
    }
    return { ...node, credentials };
  });
  if (missing.length > 0) {
    throw new Error(`workflow "${workflow.name}" needs credentials that n8n does not have: ${missing.join('; ')}`);
  }
  return { ...workflow, nodes };
}

/** Node types whose `path` parameter is served at `/webhook/<path>`. */
const WEBHOOK_TRIGGER_TYPES = new Set(['n8n-nodes-aiphoto.aiPhotoTrigger', 'n8n-nodes-base.webhook']);

export function webhookPaths(workflow: WorkflowFile): string[] {
  return workflow.nodes
    .filter(
      (node) => WEBHOOK_TRIGGER_TYPES.has(node.type) && !node.disabled && typeof node.parameters.path === 'string',
    )
    .map((node) => String(node.parameters.path).replace(/^\/+/, ''));
}

/** The body for `POST /api/v1/workflows` and `PUT /api/v1/workflows/:id`. */
export function toApiBody(workflow: WorkflowFile): WorkflowFile {
  return { name: workflow.name, nodes: workflow.nodes, connections: workflow.connections, settings: workflow.settings };
}

/** Same content, ignoring what n8n adds or reorders; used to skip no-op updates on warm start. */
export function sameWorkflow(live: unknown, desired: WorkflowFile): boolean {
  const a = normaliseWorkflow(live, { keepCredentialIds: true });
  const b = normaliseWorkflow(desired, { keepCredentialIds: true });
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A file name for a workflow that has no file in the repo yet: `AI Photo · basic_clean` → `ai_photo_basic_clean.json`. */
export function fileNameFor(workflowName: string): string {
  const slug = workflowName
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return `${slug || 'workflow'}.json`;
}
