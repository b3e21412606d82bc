import {
  mapCredentialNamesToIds,
  normaliseWorkflow,
  sameWorkflow,
  serialiseWorkflow,
  webhookPaths,
  fileNameFor,
  toApiBody,
} from '../src/runtime/workflow-json';
import { completeCredentialData } from '../src/runtime/credential-data';

/** A workflow as n8n's public API returns it, with every volatile field a real response has. */
function liveWorkflow(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'Wf12345',
    name: 'AI Photo · test',
    active: true,
    isArchived: false,
    createdAt: '2026-11-21T10:00:00.000Z',
    updatedAt: '2026-11-21T11:00:00.000Z',
    versionId: '4b1c…',
    activeVersionId: '4b1c…',
    triggerCount: 1,
    pinData: {},
    meta: { templateCredsSetupCompleted: true },
    staticData: null,
    tags: [],
    shared: [{ role: 'workflow:owner' }],
    settings: { executionOrder: 'v1', callerPolicy: 'workflowsFromSameOwner', errorWorkflow: 'Other1' },
    nodes: [
      {
        parameters: { path: 'aiphoto-test', options: { b: 2, a: 1 } },
        id: 'node-1',
        name: 'Trigger',
        type: 'n8n-nodes-aiphoto.aiPhotoTrigger',
        typeVersion: 1,
        position: [0, 0],
        webhookId: 'hook-1',
        credentials: { aiPhotoApi: { id: 'Cred1', name: 'AI Photo backend' } },
        extraFieldFromTheFuture: true,
      },
      {
        parameters: {},
        id: 'node-2',
        name: 'Callback',
        type: 'n8n-nodes-aiphoto.aiPhotoCallback',
        typeVersion: 1,
        position: [200, 0],
        onError: 'continueErrorOutput',
      },
    ],
    connections: { Trigger: { main: [[{ type: 'main', node: 'Callback', index: 0 }]] } },
    ...overrides,
  };
}

describe('normaliseWorkflow (export form)', () => {
  it('drops ids, versions, timestamps and instance-specific settings', () => {
    const wf = normaliseWorkflow(liveWorkflow());
    expect(Object.keys(wf)).toEqual(['name', 'nodes', 'connections', 'settings']);
    expect(wf.settings).toEqual({ executionOrder: 'v1' });
    expect(wf.nodes[0].credentials).toEqual({ aiPhotoApi: { name: 'AI Photo backend' } });
    expect(wf.nodes[0]).not.toHaveProperty('extraFieldFromTheFuture');
  });

  it('keeps the stable node id and webhookId (the production URL depends on it) and error routing', () => {
    const [trigger, callback] = normaliseWorkflow(liveWorkflow()).nodes;
    expect(trigger).toMatchObject({ id: 'node-1', webhookId: 'hook-1' });
    expect(callback.onError).toBe('continueErrorOutput');
  });

  it('is stable: key order inside parameters and connections does not change the text', () => {
    const once = serialiseWorkflow(normaliseWorkflow(liveWorkflow()));
    const reordered = liveWorkflow();
    (reordered.nodes as Array<Record<string, unknown>>)[0].parameters = {
      options: { a: 1, b: 2 },
      path: 'aiphoto-test',
    };
    expect(serialiseWorkflow(normaliseWorkflow(reordered))).toBe(once);
    expect(serialiseWorkflow(normaliseWorkflow(JSON.parse(once)))).toBe(once);
    expect(once.endsWith('}\n')).toBe(true);
  });

  it('rejects something that is not a workflow', () => {
    expect(() => normaliseWorkflow({ nodes: [] })).toThrow(/not an n8n workflow/);
    expect(() => normaliseWorkflow({ name: 'x', nodes: [{ name: 'no type' }] })).toThrow(/not a workflow node/);
  });
});

describe('mapCredentialNamesToIds', () => {
  const repoForm = () => normaliseWorkflow(liveWorkflow());

  it('fills in the id of the credential with the same name and type', () => {
    const mapped = mapCredentialNamesToIds(repoForm(), [
      { id: 'X9', name: 'AI Photo backend', type: 'aiPhotoApi' },
      { id: 'Y1', name: 'RunningHub', type: 'runningHubApi' },
    ]);
    expect(mapped.nodes[0].credentials).toEqual({ aiPhotoApi: { id: 'X9', name: 'AI Photo backend' } });
    expect(mapped.nodes[1].credentials).toBeUndefined();
  });

  it('does not match a credential of another type with the same name', () => {
    expect(() =>
      mapCredentialNamesToIds(repoForm(), [{ id: 'Z', name: 'AI Photo backend', type: 'httpBasicAuth' }]),
    ).toThrow(/"AI Photo backend" \(aiPhotoApi\) used by node "Trigger"/);
  });

  it('names every missing credential at once', () => {
    const wf = repoForm();
    wf.nodes[1].credentials = { runningHubApi: { name: 'RunningHub' } };
    expect(() => mapCredentialNamesToIds(wf, [])).toThrow(/AI Photo backend.*; "RunningHub"/);
  });
});

describe('round trip helpers', () => {
  it('sameWorkflow ignores volatile fields but notices a changed credential id or parameter', () => {
    const desired = mapCredentialNamesToIds(normaliseWorkflow(liveWorkflow()), [
      { id: 'Cred1', name: 'AI Photo backend', type: 'aiPhotoApi' },
    ]);
    expect(sameWorkflow(liveWorkflow(), desired)).toBe(true);
    const recreatedCredential = mapCredentialNamesToIds(normaliseWorkflow(liveWorkflow()), [
      { id: 'Cred2', name: 'AI Photo backend', type: 'aiPhotoApi' },
    ]);
    expect(sameWorkflow(liveWorkflow(), recreatedCredential)).toBe(false);
    desired.nodes[0].parameters = { path: 'other' };
    expect(sameWorkflow(liveWorkflow(), desired)).toBe(false);
  });

  it('toApiBody sends only what the public API schema accepts', () => {
    expect(Object.keys(toApiBody(normaliseWorkflow(liveWorkflow())))).toEqual([
      'name',
      'nodes',
      'connections',
      'settings',
    ]);
  });

  it('webhookPaths lists enabled trigger paths without a leading slash', () => {
    const wf = normaliseWorkflow(liveWorkflow());
    wf.nodes[0].parameters.path = '/aiphoto-test';
    expect(webhookPaths(wf)).toEqual(['aiphoto-test']);
    wf.nodes[0].disabled = true;
    expect(webhookPaths(wf)).toEqual([]);
  });

  it('fileNameFor makes a plain file name from a workflow name', () => {
    expect(fileNameFor('AI Photo · basic_clean')).toBe('ai_photo_basic_clean.json');
    expect(fileNameFor('***')).toBe('workflow.json');
  });
});

describe('completeCredentialData', () => {
  it('adds n8n’s default domain selector when the type has one (else the public API demands allowedDomains)', () => {
    const schema = { properties: { apiKey: {}, allowedHttpRequestDomains: {}, allowedDomains: {} } };
    expect(completeCredentialData({ apiKey: 'k' }, schema)).toEqual({ apiKey: 'k', allowedHttpRequestDomains: 'all' });
  });

  it('keeps an explicit selector and leaves types without one alone', () => {
    const schema = { properties: { allowedHttpRequestDomains: {} } };
    expect(completeCredentialData({ allowedHttpRequestDomains: 'domains', allowedDomains: 'a.com' }, schema)).toEqual({
      allowedHttpRequestDomains: 'domains',
      allowedDomains: 'a.com',
    });
    expect(completeCredentialData({ user: 'u' }, { properties: { user: {} } })).toEqual({ user: 'u' });
  });
});
