import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

/** Keeps `npm run lint` (ESLint, n8n's node lint, strict type-check of every workspace) green in CI. */
describe('static checks', () => {
  it('the whole repository lints and type-checks clean', () => {
    const run = spawnSync('npm', ['run', '--silent', 'lint'], { cwd: root, encoding: 'utf8' });
    const output = `${run.stdout}\n${run.stderr}`
      .split('\n')
      .filter((l) => !l.includes('nodedir'))
      .join('\n')
      .trim();
    expect({ status: run.status, output: run.status === 0 ? '' : output }).toEqual({ status: 0, output: '' });
  }, 300_000);
});
