import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fullApp, type FullApp } from '../../testing/full-app';

/**
 * The shape every backend module keeps (docs/architecture.md §1): one factory per module,
 * `create<Name>Module(ctx, deps)` in `<dir>/<name>.module.ts`, returning `{ name, router?, api }`;
 * the composition root builds modules only through those factories; HTTP routes talk to services,
 * never to repositories.
 */
const MODULES = path.resolve(__dirname, '..');

function filesOf(suffix: string): string[] {
  return readdirSync(MODULES, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== '__tests__')
    .flatMap((dir) =>
      readdirSync(path.join(MODULES, dir.name))
        .filter((file) => file.endsWith(suffix))
        .map((file) => path.join(dir.name, file)),
    );
}

const read = (file: string) => readFileSync(path.join(MODULES, file), 'utf8');
const pascal = (name: string) => name.replace(/(^|-)([a-z])/g, (_m, _dash, c: string) => c.toUpperCase());
/** The relative module specifiers a file imports (`import … from '…'`). */
const importsOf = (source: string) => [...source.matchAll(/^import\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]);

/** Every source file below modules/, tests excluded, relative to it. */
function sourceFiles(dir = MODULES): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === '__tests__' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') ? [path.relative(MODULES, full)] : [];
  });
}

/** The parameter lists of the constructors in `source` (comments and strings left out of the count). */
function constructorArities(source: string): number[] {
  const code = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  return [...code.matchAll(/\bconstructor\(/g)].map((m) => {
    let depth = 1;
    let params = 0;
    let seen = false;
    for (let i = m.index + m[0].length; depth > 0 && i < code.length; i++) {
      const c = code[i];
      if (c === '=' && code[i + 1] === '>') i++;
      else if ('([{<'.includes(c)) depth++;
      else if (')]}>'.includes(c)) depth--;
      else if (c === ',' && depth === 1) params++;
      if (depth === 1 && /\S/.test(c) && c !== ',') seen = true;
      // A trailing comma before `)` does not start another parameter.
      if (depth === 0 && code.slice(0, i).trimEnd().endsWith(',')) params--;
    }
    return seen ? params + 1 : 0;
  });
}

describe('backend module shape', () => {
  const routes = filesOf('.routes.ts');
  const modules = filesOf('.module.ts');

  it('finds the routes and module files', () => {
    expect(routes.length).toBeGreaterThan(10);
    expect(modules.length).toBeGreaterThan(10);
  });

  it.each(routes)('%s reaches no repository', (file) => {
    const source = read(file);
    const repositoryImports = [...source.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+'[^']*\.repository'/g)];
    // Row and value types may be shared; a repository itself may not.
    const problems = [
      ...repositoryImports.filter(([, typeOnly, names]) => !typeOnly && !/^\s*(type\s+\w+\s*,?\s*)+$/.test(names)),
      ...source.matchAll(/\b\w+Repository\b/g),
    ].map((m) => m[0].trim());
    expect(problems).toEqual([]);
  });

  it.each(modules)('%s exports one factory, create<Name>Module', async (file) => {
    const expected = `create${pascal(path.basename(file, '.module.ts'))}Module`;
    const exported: Record<string, unknown> = await import(path.join(MODULES, file));
    const factories = Object.keys(exported).filter((name) => /Module$/.test(name));
    expect(factories).toEqual([expected]);
    expect(typeof exported[expected]).toBe('function');
    // (ctx, deps): static has no deps of its own beyond the apps it serves, so at most two.
    expect((exported[expected] as (...args: unknown[]) => unknown).length).toBeLessThanOrEqual(2);
  });

  it('mounts routes only through module factories', () => {
    const importers = [...filesOf('.ts'), 'index.ts'].filter((file) => !file.endsWith('.routes.ts'));
    const problems = importers.flatMap((file) =>
      importsOf(read(file))
        .filter((spec) => spec.endsWith('.routes'))
        .filter(() => !file.endsWith('.module.ts'))
        .map((spec) => `${file} imports ${spec}`),
    );
    expect(problems).toEqual([]);
  });

  it('builds every module in the composition root through its factory', () => {
    const allowed = new Set([
      // Shared by several modules: the token signer, the merchant accounts, the merchant guard.
      './auth/jwt.service',
      './auth/auth.middleware',
      './users/users.repository',
    ]);
    const imports = importsOf(read('index.ts')).filter((spec) => spec.startsWith('./'));
    expect(imports.filter((spec) => !spec.endsWith('.module') && !allowed.has(spec))).toEqual([]);
    expect(imports.filter((spec) => spec.endsWith('.module')).sort()).toEqual(
      modules.map((file) => `./${file.replace(/\.ts$/, '')}`).sort(),
    );
  });

  it('modules read their config blocks, never the root config internals', () => {
    const ROOT_CONFIG = path.resolve(MODULES, '../config');
    const files = sourceFiles();
    expect(files.filter((file) => file.endsWith('.config.ts')).length).toBeGreaterThanOrEqual(5);
    const problems = files.flatMap((file) => {
      const source = read(file);
      const intoRoot = [...source.matchAll(/^import\s+(type\s+)?([^;]*?)\s+from\s+'(\.[^']+)'/gms)].filter(
        ([, , , spec]) => path.resolve(MODULES, path.dirname(file), spec).startsWith(ROOT_CONFIG),
      );
      return [
        // A module's own <name>.config.ts is spread into the root schema: importing back would be a cycle.
        ...(file.endsWith('.config.ts') ? intoRoot.map((m) => `${file}: ${m[0]}`) : []),
        // Elsewhere only the AppConfig type, whose blocks config.ts built from each module's file.
        ...intoRoot
          .filter(
            ([, typeOnly, names, spec]) =>
              !(typeOnly && /\/config\/config$/.test(spec) && /^\{\s*AppConfig\s*\}$/.test(names)),
          )
          .map((m) => `${file}: ${m[0]}`),
        ...[...source.matchAll(/\bconfig\.raw\b|\.raw\.[A-Z_]+/g)].map((m) => `${file}: ${m[0]}`),
      ];
    });
    expect([...new Set(problems)]).toEqual([]);
  });

  it('constructors with many collaborators take one dependencies object', () => {
    expect(constructorArities('constructor(\n  a: A,\n  b: (x: number) => B = () => b0,\n) {}')).toEqual([2]);
    const crowded = sourceFiles().flatMap((file) =>
      constructorArities(read(file))
        .filter((arity) => arity > 5)
        .map((arity) => `${file}: ${arity} positional parameters`),
    );
    expect(crowded).toEqual([]);
  });

  it('services, routes and workers see camelCase objects: repositories map rows at their edge', () => {
    // Where rows still reach past the repository (snake_case columns read in the service). Converted
    // so far: tasks (Task, AdminTask), API keys, webhook endpoints and deliveries, scenes, uploads, console
    // accounts, ledger (LedgerEntry, Balance, Lot), membership, merchant accounts (User, also in the console's
    // merchant list), texted codes, WeChat identities, orders (Order), billing, credit packs, invites: every
    // service. A file added here must leave again once it is mapped.
    const notYetMapped: string[] = [];
    // Vendor protocols keep the vendors' own field names (WeChat Pay, Alipay, WeChat sign-in).
    const vendorProtocol = (file: string) => file.startsWith('payments/channels/') || file.endsWith('wechat-api.ts');
    const columnsIn = (source: string) => {
      const code = source
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '')
        .replace(/'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*"|`(?:[^`\\]|\\.)*`/g, "''");
      return [...code.matchAll(/[\w)\]]\.([a-z][a-z0-9]*_[a-z0-9_]+)\b/g)].map((m) => m[1]);
    };
    const columnsRead = (file: string) => columnsIn(read(file));
    const reading = sourceFiles()
      .filter((file) => !file.endsWith('.repository.ts') && !vendorProtocol(file))
      .filter((file) => columnsRead(file).length > 0);
    expect(reading.filter((file) => !notYetMapped.includes(file))).toEqual([]);
    // The list only shrinks: a file that no longer reads columns leaves it.
    expect(notYetMapped.filter((file) => !reading.includes(file))).toEqual([]);
    // The reader itself: a column read in a service is found, strings and comments are not.
    expect(columnsIn("const a = row.user_id; // b.batch_id\nconst c = get('sms.per_phone_per_day');")).toEqual([
      'user_id',
    ]);
  });

  describe('as npm start assembles them', () => {
    let full: FullApp;
    beforeAll(async () => {
      full = await fullApp();
    }, 60_000);
    afterAll(async () => {
      await full?.close();
    });

    it('every module has a unique name and an api', () => {
      const built = full.backend.modules;
      expect(built.length).toBe(modules.length);
      const names = built.map((m) => m.name);
      expect(new Set(names).size).toBe(names.length);
      for (const module of built) {
        expect({ name: module.name, api: typeof module.api }).toEqual({ name: module.name, api: 'object' });
        if (module.router) expect(typeof module.router).toBe('function');
      }
    });
  });
});
