import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * The shape every backend module keeps (docs/architecture.md §1): HTTP routes talk to services,
 * never to repositories (no repository class, instance or dependency in a routes file).
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

describe('backend module shape', () => {
  const routes = filesOf('.routes.ts');

  it('finds the routes files', () => {
    expect(routes.length).toBeGreaterThan(10);
  });

  it.each(routes)('%s reaches no repository', (file) => {
    const source = readFileSync(path.join(MODULES, file), 'utf8');
    const repositoryImports = [...source.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+'[^']*\.repository'/g)];
    // Row and value types may be shared; a repository itself may not.
    const problems = [
      ...repositoryImports.filter(([, typeOnly, names]) => !typeOnly && !/^\s*(type\s+\w+\s*,?\s*)+$/.test(names)),
      ...source.matchAll(/\b\w+Repository\b/g),
    ].map((m) => m[0].trim());
    expect(problems).toEqual([]);
  });
});
