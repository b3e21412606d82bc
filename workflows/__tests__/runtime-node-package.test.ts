import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { installNodePackage } from '../src/runtime/install-node-package';
import { headlessEnv } from '../src/runtime/start-n8n';
import { defaultUserFolder } from '../src/cli/cli-config';
import { REPO_ROOT } from '../src/runtime/paths';

async function writeJson(file: string, value: unknown): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, JSON.stringify(value));
}

/** A monorepo in miniature: the package, a hoisted runtime dependency with its own dependency. */
async function fakeMonorepo(root: string): Promise<string> {
  const pkgDir = path.join(root, 'n8n-nodes-demo');
  await writeJson(path.join(pkgDir, 'package.json'), {
    name: 'n8n-nodes-demo',
    version: '1.2.3',
    dependencies: { 'dep-a': '^1' },
    peerDependencies: { 'n8n-workflow': '*' },
    n8n: {
      nodes: ['dist/nodes/TencentCi/TencentCi.node.js'],
      credentials: ['dist/credentials/RunningHubApi.credentials.js'],
    },
  });
  await fs.mkdir(path.join(pkgDir, 'dist', 'nodes', 'TencentCi'), { recursive: true });
  await fs.writeFile(path.join(pkgDir, 'dist', 'nodes', 'TencentCi', 'TencentCi.node.js'), 'module.exports = {};');
  await writeJson(path.join(root, 'node_modules', 'dep-a', 'package.json'), {
    name: 'dep-a',
    version: '1.0.0',
    dependencies: { 'dep-b': '*' },
  });
  await writeJson(path.join(root, 'node_modules', 'dep-b', 'package.json'), { name: 'dep-b', version: '1.0.0' });
  return pkgDir;
}

describe('installNodePackage', () => {
  let tmp: string;
  beforeEach(async () => {
    tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'aiphoto-nodes-'));
  });
  afterEach(() => fs.rm(tmp, { recursive: true, force: true }));

  it('copies dist, package.json and runtime dependencies where n8n scans for community packages', async () => {
    const pkgDir = await fakeMonorepo(tmp);
    const userFolder = path.join(tmp, 'user');
    const installed = await installNodePackage(userFolder, pkgDir);

    const target = path.join(userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-demo');
    expect(installed.dir).toBe(target);
    expect(existsSync(path.join(target, 'dist', 'nodes', 'TencentCi', 'TencentCi.node.js'))).toBe(true);
    expect(existsSync(path.join(target, 'node_modules', 'dep-a', 'package.json'))).toBe(true);
    expect(existsSync(path.join(target, 'node_modules', 'dep-b', 'package.json'))).toBe(true);
    // n8n-workflow is a peer: n8n provides its own copy.
    expect(existsSync(path.join(target, 'node_modules', 'n8n-workflow'))).toBe(false);
    expect(
      JSON.parse(await fs.readFile(path.join(userFolder, '.n8n', 'nodes', 'package.json'), 'utf8')).dependencies,
    ).toEqual({ 'n8n-nodes-demo': '1.2.3' });
    expect(installed.nodeTypes).toEqual(['n8n-nodes-demo.tencentCi']);
    expect(installed.credentialTypes).toEqual(['runningHubApi']);
  });

  it('replaces a previous copy entirely (no stale files from an older build)', async () => {
    const pkgDir = await fakeMonorepo(tmp);
    const userFolder = path.join(tmp, 'user');
    const first = await installNodePackage(userFolder, pkgDir);
    await fs.writeFile(path.join(first.dir, 'dist', 'stale.js'), '');
    await installNodePackage(userFolder, pkgDir);
    expect(existsSync(path.join(first.dir, 'dist', 'stale.js'))).toBe(false);
  });

  it('says to build first when dist is missing', async () => {
    const pkgDir = await fakeMonorepo(tmp);
    await fs.rm(path.join(pkgDir, 'dist'), { recursive: true });
    await expect(installNodePackage(path.join(tmp, 'user'), pkgDir)).rejects.toThrow(/npm run build -w n8n-nodes-demo/);
  });

  it('names a runtime dependency that is not installed', async () => {
    const pkgDir = await fakeMonorepo(tmp);
    await fs.rm(path.join(tmp, 'node_modules', 'dep-b'), { recursive: true });
    await expect(installNodePackage(path.join(tmp, 'user'), pkgDir)).rejects.toThrow(/needs "dep-b"/);
  });
});

describe('n8n settings', () => {
  it('headless env turns off the phone-home features and binds to loopback', () => {
    const env = headlessEnv({ userFolder: '/u', port: 5999, encryptionKey: 'k', brokerPort: 6001 });
    expect(env).toMatchObject({
      N8N_USER_FOLDER: '/u',
      DB_TYPE: 'sqlite',
      N8N_PORT: '5999',
      N8N_LISTEN_ADDRESS: '127.0.0.1',
      N8N_SECURE_COOKIE: 'false',
      N8N_ENCRYPTION_KEY: 'k',
      N8N_DIAGNOSTICS_ENABLED: 'false',
      N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
      N8N_TEMPLATES_ENABLED: 'false',
      N8N_PERSONALIZATION_ENABLED: 'false',
      N8N_RUNNERS_BROKER_PORT: '6001',
      WEBHOOK_URL: 'http://127.0.0.1:5999/',
    });
  });

  it('the CLI finds the user folder under DATA_DIR unless N8N_USER_FOLDER is set', () => {
    expect(defaultUserFolder({})).toBe(path.join(REPO_ROOT, '.data', 'n8n'));
    expect(defaultUserFolder({ DATA_DIR: '.data-b' })).toBe(path.join(REPO_ROOT, '.data-b', 'n8n'));
    expect(defaultUserFolder({ N8N_USER_FOLDER: '/srv/n8n' })).toBe('/srv/n8n');
  });
});
