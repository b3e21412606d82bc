import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The package as n8n and its community-node rules see it: package.json metadata, one codex file
 * per node, and icons drawn as paths with light and dark variants in one icons/ folder.
 */
const root = path.resolve(__dirname, '..');
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
  name: string;
  license?: string;
  author?: { name?: string; email?: string };
  homepage?: string;
  repository?: { type?: string; url?: string; directory?: string };
  main?: string;
  dependencies?: Record<string, string>;
  n8n: { strict?: boolean; nodes: string[]; credentials: string[] };
};

/** dist/nodes/X/X.node.js → nodes/X/X.node.ts, as n8n's lint maps them. */
const sourceOf = (built: string) => path.join(root, built.replace(/^dist\//, '').replace(/\.js$/, '.ts'));

type Icon = string | { light: string; dark: string };
function load<T>(built: string): T {
  // The files package.json names are the subject, so they are loaded by that name.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
  const exported = require(sourceOf(built)) as Record<string, new () => T>;
  const [Class] = Object.values(exported);
  return new Class();
}
const nodes = pkg.n8n.nodes.map((built) => ({
  built,
  description: load<{ description: { name: string; icon?: Icon } }>(built).description,
}));
const credentials = pkg.n8n.credentials.map((built) => ({ built, type: load<{ name: string; icon?: Icon }>(built) }));

/** n8n's node categories (the values nodes-base uses). */
const CATEGORIES = new Set([
  'Analytics',
  'Communication',
  'Core Nodes',
  'Data & Storage',
  'Development',
  'Finance & Accounting',
  'Marketing',
  'Miscellaneous',
  'Productivity',
  'Sales',
  'Utility',
]);

describe('package.json', () => {
  it('states its licence, author, homepage and repository, and ships no runtime dependency', () => {
    expect(pkg.license).toBeTruthy();
    expect(pkg.author?.name).toBeTruthy();
    expect(pkg.author?.email).toMatch(/^[^@\s]+@[^@\s]+$/);
    expect(() => new URL(pkg.homepage ?? '')).not.toThrow();
    expect(pkg.repository).toMatchObject({ type: 'git', directory: 'n8n-nodes-aiphoto' });
    expect(pkg.dependencies ?? {}).toEqual({});
  });

  it('points at no missing file and runs in strict mode', () => {
    if (pkg.main) expect(existsSync(path.join(root, pkg.main))).toBe(true);
    expect(pkg.n8n.strict).toBe(true);
    for (const built of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) expect(existsSync(sourceOf(built))).toBe(true);
  });
});

describe('codex files', () => {
  it.each(nodes.map((n) => [n.description.name, n.built]))(
    '%s has one with categories and documentation',
    (name, built) => {
      const codexFile = sourceOf(built).replace(/\.ts$/, '.json');
      const codex = JSON.parse(readFileSync(codexFile, 'utf8')) as {
        node: string;
        nodeVersion: string;
        codexVersion: string;
        categories: string[];
        resources: { primaryDocumentation: { url: string }[]; credentialDocumentation: { url: string }[] };
      };
      expect(codex).toMatchObject({ node: `${pkg.name}.${name}`, nodeVersion: '1.0', codexVersion: '1.0' });
      expect(codex.categories.length).toBeGreaterThan(0);
      for (const category of codex.categories) expect(CATEGORIES).toContain(category);
      for (const link of [...codex.resources.primaryDocumentation, ...codex.resources.credentialDocumentation]) {
        expect(new URL(link.url).protocol).toBe('https:');
      }
    },
  );
});

describe('icons', () => {
  const iconsDir = path.join(root, 'icons');
  const svgFiles = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return ['node_modules', 'dist'].includes(entry.name) ? [] : svgFiles(full);
      return entry.name.endsWith('.svg') ? [full] : [];
    });

  it('live in icons/ only, drawn as paths, each file different', () => {
    const all = svgFiles(root);
    expect(all.every((file) => path.dirname(file) === iconsDir)).toBe(true);
    const hashes = new Set<string>();
    for (const file of all) {
      const svg = readFileSync(file, 'utf8');
      const elements = [...svg.matchAll(/<([a-zA-Z][\w:-]*)/g)].map((m) => m[1]);
      expect({ file: path.basename(file), elements: [...new Set(elements)].sort() }).toEqual({
        file: path.basename(file),
        elements: ['path', 'svg'],
      });
      hashes.add(createHash('sha256').update(svg).digest('hex'));
    }
    expect(hashes.size).toBe(all.length);
  });

  const owners = [
    ...nodes.map((n) => ({ what: `node ${n.description.name}`, from: sourceOf(n.built), icon: n.description.icon })),
    ...credentials.map((c) => ({ what: `credential ${c.type.name}`, from: sourceOf(c.built), icon: c.type.icon })),
  ];
  it.each(owners.map((o) => [o.what, o]))('%s has a light and a dark icon from icons/', (_what, owner) => {
    const icon = owner.icon as Icon;
    expect(typeof icon).toBe('object');
    const { light, dark } = icon as { light: string; dark: string };
    const resolve = (ref: string) => path.resolve(path.dirname(owner.from), ref.replace(/^file:/, ''));
    expect(path.dirname(resolve(light))).toBe(iconsDir);
    expect(resolve(dark)).toBe(resolve(light).replace(/\.svg$/, '.dark.svg'));
    expect(existsSync(resolve(light)) && existsSync(resolve(dark))).toBe(true);
  });
});
