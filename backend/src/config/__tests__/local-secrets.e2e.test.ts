import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const tsx = path.resolve(__dirname, '../../../../node_modules/.bin/tsx');
const secretsModule = path.resolve(__dirname, '../secrets.ts');

describe('generated secrets when several processes start on one data folder', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'aiphoto-secrets-race-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('every process ends up with the same secrets, those in the file', async () => {
    const script = `const { loadOrCreateLocalSecrets } = require(${JSON.stringify(secretsModule)});
      process.stdout.write(JSON.stringify(loadOrCreateLocalSecrets(${JSON.stringify(dir)})));`;
    const outputs = await Promise.all([1, 2, 3, 4].map(() => run(tsx, ['-e', script])));
    const stored = JSON.parse(readFileSync(path.join(dir, 'secrets.json'), 'utf8')) as Record<string, string>;
    for (const { stdout } of outputs) expect(JSON.parse(stdout)).toEqual(stored);
  }, 60_000);
});
