import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');
const typesFile = path.join(root, 'web/src/common/api-types.ts');

/**
 * The portal and console compile against `web/src/common/api-types.ts`; when a backend route
 * schema changes and nobody regenerates, the UIs would type-check against a stale contract.
 * The generator runs in its own tsx process (openapi-typescript's dependencies are ES modules,
 * which this Jest setup does not load) and prints the fresh file, built from the backend on a
 * temporary SQLite database; nothing is written.
 */
describe('generated API types', () => {
  it('match the backend route schemas (run `npm run api:types` when this fails)', () => {
    const run = spawnSync(path.join(root, 'node_modules/.bin/tsx'), ['scripts/gen-api-types.ts', '--stdout'], {
      cwd: root,
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
    });
    expect({ status: run.status, stderr: run.status === 0 ? '' : run.stderr }).toEqual({ status: 0, stderr: '' });
    // Line by line, so a failure shows the lines that differ rather than two 100 kB strings.
    expect(readFileSync(typesFile, 'utf8').split('\n')).toEqual(run.stdout.split('\n'));
  }, 120_000);
});
