import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { NODE_PACKAGE_DIR, NODE_PACKAGE_NAME, n8nStateDir } from './paths';

interface PackageJson {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  n8n?: { nodes?: string[]; credentials?: string[] };
}

export interface InstalledNodePackage {
  /** `<userFolder>/.n8n/nodes/node_modules/n8n-nodes-aiphoto` */
  dir: string;
  version: string;
  /** Type names as n8n will know them, e.g. `n8n-nodes-aiphoto.aiPhotoTrigger`. */
  nodeTypes: string[];
  credentialTypes: string[];
}

async function readPackageJson(dir: string): Promise<PackageJson> {
  return JSON.parse(await fs.readFile(path.join(dir, 'package.json'), 'utf8')) as PackageJson;
}

/** Node's own lookup: `<dir>/node_modules/<name>`, then each parent folder. */
export function findInstalledPackage(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (path.dirname(dir) === dir) return undefined;
  }
}

/**
 * Runtime dependencies of the package, transitively, resolved where npm put them in the
 * monorepo. n8n resolves only `n8n-workflow` (a peer) for community packages, so anything
 * else the nodes `require` has to sit in the package's own node_modules.
 */
export async function collectRuntimeDependencies(packageDir: string): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const queue: Array<{ name: string; from: string }> = [];
  const enqueue = (pkg: PackageJson, from: string): void => {
    for (const name of Object.keys(pkg.dependencies ?? {})) queue.push({ name, from });
  };
  enqueue(await readPackageJson(packageDir), packageDir);
  while (queue.length > 0) {
    const { name, from } = queue.shift() as { name: string; from: string };
    if (found.has(name)) continue;
    const dir = findInstalledPackage(name, from);
    if (!dir)
      throw new Error(`${NODE_PACKAGE_NAME} needs "${name}" at run time but it is not installed (run npm install)`);
    found.set(name, dir);
    enqueue(await readPackageJson(dir), dir);
  }
  return found;
}

function typeNames(packageName: string, files: string[] | undefined, suffix: RegExp): string[] {
  // dist/nodes/TencentCi/TencentCi.node.js → the class file; the type name is description.name,
  // which by convention is the file name with a lower-case first letter.
  return (files ?? []).map((file) => {
    const base = path.basename(file).replace(suffix, '');
    return `${packageName}.${base.charAt(0).toLowerCase()}${base.slice(1)}`;
  });
}

/**
 * Copies the built node package (`dist/` + `package.json`, plus its runtime dependencies)
 * into `<userFolder>/.n8n/nodes/node_modules/n8n-nodes-aiphoto`. n8n 2.8.4 scans that folder
 * for `n8n-nodes-*` at start (community-packages module `loadDir`), so node types come up as
 * `n8n-nodes-aiphoto.<name>`. The copy replaces the previous one atomically (rename), so a
 * half-copied package is never what n8n loads. Build first: `npm run build -w n8n-nodes-aiphoto`.
 */
export async function installNodePackage(
  userFolder: string,
  packageDir: string = NODE_PACKAGE_DIR,
): Promise<InstalledNodePackage> {
  const pkg = await readPackageJson(packageDir);
  const distDir = path.join(packageDir, 'dist');
  if (!existsSync(distDir)) throw new Error(`${distDir} is missing: run "npm run build -w ${pkg.name}" first`);

  const nodesDir = path.join(n8nStateDir(userFolder), 'nodes');
  const target = path.join(nodesDir, 'node_modules', pkg.name);
  const staging = `${target}.staging-${process.pid}`;
  await fs.rm(staging, { recursive: true, force: true });
  await fs.mkdir(staging, { recursive: true });
  await fs.cp(distDir, path.join(staging, 'dist'), { recursive: true });
  await fs.copyFile(path.join(packageDir, 'package.json'), path.join(staging, 'package.json'));
  for (const [name, dir] of await collectRuntimeDependencies(packageDir)) {
    await fs.cp(dir, path.join(staging, 'node_modules', name), { recursive: true, dereference: true });
  }
  await fs.rm(target, { recursive: true, force: true });
  await fs.rename(staging, target);

  // n8n's own community-package commands run `npm prune` here; listing the package keeps it.
  const manifest = { name: 'installed-nodes', private: true, dependencies: { [pkg.name]: pkg.version } };
  await fs.writeFile(path.join(nodesDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);

  return {
    dir: target,
    version: pkg.version,
    nodeTypes: typeNames(pkg.name, pkg.n8n?.nodes, /\.node\.js$/),
    credentialTypes: (pkg.n8n?.credentials ?? []).map((file) => {
      const base = path.basename(file).replace(/\.credentials\.js$/, '');
      return `${base.charAt(0).toLowerCase()}${base.slice(1)}`;
    }),
  };
}
