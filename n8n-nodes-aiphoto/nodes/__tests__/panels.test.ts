import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import nock from 'nock';
import type { IDataObject, INodeProperties, INodePropertyCollection, INodeType } from 'n8n-workflow';

import { fakeExecuteContext } from '../../test-helpers/fake-context';
import { AiPhoto } from '../AiPhoto/AiPhoto.node';
import { AiPhotoCallback } from '../AiPhotoCallback/AiPhotoCallback.node';
import { AiPhotoEventTrigger } from '../AiPhotoEventTrigger/AiPhotoEventTrigger.node';
import { AiPhotoTrigger } from '../AiPhotoTrigger/AiPhotoTrigger.node';
import { CosMirror } from '../CosMirror/CosMirror.node';
import { FfmpegSlideshow } from '../FfmpegSlideshow/FfmpegSlideshow.node';
import { RunningHub } from '../RunningHub/RunningHub.node';
import { TencentCi } from '../TencentCi/TencentCi.node';

// What an operator sees in the n8n editor: a hint or description for every field, and an output
// schema for every node and operation, so the editor's schema preview request is answered.
const NODES: Array<{ node: INodeType; dir: string }> = [
  { node: new AiPhotoTrigger(), dir: 'AiPhotoTrigger' },
  { node: new AiPhotoCallback(), dir: 'AiPhotoCallback' },
  { node: new TencentCi(), dir: 'TencentCi' },
  { node: new RunningHub(), dir: 'RunningHub' },
  { node: new CosMirror(), dir: 'CosMirror' },
  { node: new AiPhoto(), dir: 'AiPhoto' },
  { node: new AiPhotoEventTrigger(), dir: 'AiPhotoEventTrigger' },
  { node: new FfmpegSlideshow(), dir: 'FfmpegSlideshow' },
];

/** Fields with neither a description (the ⓘ tooltip) nor a hint (the line under the field). */
function unexplained(properties: INodeProperties[], prefix = ''): string[] {
  const missing: string[] = [];
  for (const p of properties) {
    const name = `${prefix}${p.name}`;
    if (p.type === 'collection') missing.push(...unexplained((p.options ?? []) as INodeProperties[], `${name}.`));
    else if (p.type === 'fixedCollection') {
      for (const group of (p.options ?? []) as INodePropertyCollection[])
        missing.push(...unexplained(group.values, `${name}.${group.name}.`));
    } else if (p.type === 'options' || p.type === 'multiOptions') {
      // A choice is explained by its own text or by every option's.
      const options = (p.options ?? []) as Array<{ description?: string }>;
      if (!p.description && !p.hint && !options.every((o) => o.description)) missing.push(name);
    } else if (p.type !== 'notice' && !p.description && !p.hint) missing.push(name);
  }
  return missing;
}

describe('node panels', () => {
  it.each(NODES.map(({ node }) => [node.description.name, node] as const))('%s explains every field', (_name, node) => {
    expect(unexplained(node.description.properties)).toEqual([]);
  });

  it('RunningHub says an empty webapp id means the credential’s, and what the default node ids are', () => {
    const props = new RunningHub().description.properties;
    const webapp = props.find((p) => p.name === 'webappId');
    expect(webapp?.hint).toMatch(/empty.+credential/i);
    const inputNodes = props.find((p) => p.name === 'inputNodes');
    expect(inputNodes?.hint).toContain('prompt → 6/text, image → 10/image, seed → 3/seed');
    const options = (inputNodes?.options ?? []) as INodeProperties[];
    const explained = (name: string) => options.find((o) => o.name === name)?.description ?? '';
    expect(explained('promptNodeId')).toMatch(/6 is the positive-prompt CLIP Text Encode/);
    expect(explained('imageNodeId')).toMatch(/Load Image.+10/);
    expect(explained('seedNodeId')).toMatch(/3 is the KSampler/);
  });

  it('Tencent CI offers output preset, size, margin, format, background and quality for the clean image', () => {
    const fields = new TencentCi().description.properties
      .filter((p) => p.displayOptions?.show?.operation?.includes('basicClean'))
      .map((p) => [p.name, p.default]);
    expect(fields).toEqual(
      expect.arrayContaining([
        ['width', 800],
        ['height', 800],
        ['padding', 0],
        ['quality', 90],
        ['preset', ''],
        ['marginPercent', 0],
        ['format', 'jpg'],
        ['background', '#FFFFFF'],
      ]),
    );
  });
});

// --- Output schemas ------------------------------------------------------------------------

type JsonSchema = { type?: string | string[]; properties?: Record<string, JsonSchema>; items?: JsonSchema };

const NODES_DIR = path.resolve(__dirname, '..');

/**
 * The file n8n serves for the editor's `GET /schemas/<type>/<version>[/<resource>][/<operation>].json`:
 * `__schema__/v<version>[/<resource>][/<operation>].json` beside the node (n8n 2.8.4's
 * LoadNodesAndCredentials.resolveSchema; the editor pads the version to x.y.z).
 */
function schemaFile(dir: string, resource?: string, operation?: string): string {
  const parts = ['__schema__', 'v1.0.0', resource, operation].filter(Boolean) as string[];
  return path.join(NODES_DIR, dir, `${parts.join('/')}.json`);
}

function readSchema(file: string): JsonSchema {
  return JSON.parse(readFileSync(file, 'utf8')) as JsonSchema;
}

/** Every (resource, operation) pair the node offers, from its own option lists. */
function operationsOf(node: INodeType): Array<[string | undefined, string]> {
  const props = node.description.properties;
  const values = (p: INodeProperties) => ((p.options ?? []) as Array<{ value: string }>).map((o) => o.value);
  const resources = props.find((p) => p.name === 'resource');
  const operations = props.filter((p) => p.name === 'operation');
  const pairs = new Set<string>();
  for (const op of operations) {
    const shownFor = (op.displayOptions?.show?.resource as string[] | undefined) ?? [undefined];
    for (const resource of resources ? shownFor : [undefined])
      for (const value of values(op)) pairs.add(JSON.stringify([resource, value]));
  }
  return [...pairs].map((p) => JSON.parse(p) as [string | undefined, string]);
}

/** Where `value` does not fit `schema` (types only; every property must be described). */
function mismatches(value: unknown, schema: JsonSchema, at = '$'): string[] {
  const types = ([] as string[]).concat(schema.type ?? []);
  const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
  if (types.length && !types.includes(actual)) return [`${at}: ${actual} is not ${types.join('|')}`];
  if (actual === 'array' && schema.items)
    return (value as unknown[]).flatMap((v, i) => mismatches(v, schema.items as JsonSchema, `${at}[${i}]`));
  if (actual === 'object' && schema.properties) {
    return Object.entries(value as IDataObject).flatMap(([key, v]) =>
      schema.properties?.[key]
        ? mismatches(v, schema.properties[key], `${at}.${key}`)
        : [`${at}.${key}: not in the schema`],
    );
  }
  return [];
}

describe('output schemas for the editor', () => {
  afterEach(() => nock.cleanAll());

  const actionNodes = NODES.filter(({ node }) => !node.description.group.includes('trigger'));

  it.each(actionNodes.map(({ node, dir }) => [node.description.name, node, dir] as const))(
    '%s has a schema for itself and each operation',
    (_name, node, dir) => {
      const files = [schemaFile(dir), ...operationsOf(node).map(([r, o]) => schemaFile(dir, r, o))];
      for (const file of files) {
        expect({ file, exists: existsSync(file) }).toEqual({ file, exists: true });
        const schema = readSchema(file);
        expect(schema.type).toBe('object');
        expect(Object.keys(schema.properties ?? {}).length).toBeGreaterThan(0);
      }
    },
  );

  it('the callback schema describes what the node outputs', async () => {
    nock('http://127.0.0.1:3000')
      .post('/api/v1/internal/n8n/callback')
      .reply(200, { ok: true, applied: true, status: 'processing' });
    const context = fakeExecuteContext({
      parameters: { taskId: 't1', event: 'failed', errorCode: 'TIMEOUT', errorMessage: 'late', vendorTaskId: 'v' },
      credentials: { aiPhotoApi: { baseUrl: 'http://127.0.0.1:3000', sharedSecret: 's' } },
      executionId: '3',
      workflowId: 'w',
    });
    const [[item]] = await new AiPhotoCallback().execute.call(context);
    expect(mismatches(item.json, readSchema(schemaFile('AiPhotoCallback')))).toEqual([]);
  });

  it('the RunningHub “get outputs” and COS Mirror schemas describe what they output', async () => {
    const base = 'http://127.0.0.1:9400';
    nock(base)
      .post('/task/openapi/outputs')
      .reply(200, { code: 0, data: [{ fileUrl: `${base}/f/1.png`, fileType: 'png', nodeId: '9', taskCostTime: '3' }] });
    const outputs = await new RunningHub().execute.call(
      fakeExecuteContext({
        parameters: { operation: 'getOutputs', vendorTaskId: '1911' },
        credentials: { runningHubApi: { apiKey: 'k', baseUrl: base } },
      }),
    );
    expect(mismatches(outputs[0][0].json, readSchema(schemaFile('RunningHub', 'task', 'getOutputs')))).toEqual([]);

    nock(base).head('/o/u/t/01.png').reply(200);
    const mirrored = await new CosMirror().execute.call(
      fakeExecuteContext({
        parameters: { urls: [`${base}/f/1.png`], outputPrefix: 'o/u/t/' },
        credentials: { tencentCloudApi: { secretId: 'a', secretKey: 'b', region: 'r', bucket: 'b-1', endpoint: base } },
      }),
    );
    expect(mismatches(mirrored[0][0].json, readSchema(schemaFile('CosMirror')))).toEqual([]);
  });
});
