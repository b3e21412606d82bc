/** The bench's own tools: case discovery, statement id renewal, percentiles, the table, /proc readings. */
import { spawn } from 'node:child_process';
import { latencyOf } from '../bench/load';
import { rssMiB, treeCpuSeconds } from '../bench/proc';
import { loadCases } from '../bench/registry';
import { withFreshIds } from '../bench/statements';
import { connectWindowProfiler } from '../bench/window-profiler';
import { freePort } from '../../workflows/src/runtime';
import { renderTable } from '../bench/table';
import { waitFor } from '../../jest/wait-for';

describe('bench tools', () => {
  it('finds every case file with a default export, ordered by phase order', async () => {
    const cases = await loadCases();
    const names = cases.map((c) => c.name);
    expect(names).toEqual(
      expect.arrayContaining(['reads', 'list pages', 'basic_clean end to end', 'create batch of 50']),
    );
    for (const c of cases) expect(['api', 'flow', 'own']).toContain(c.phase);
    const orders = cases.map((c) => c.order ?? 100);
    expect(orders).toEqual([...orders].sort((a, b) => a - b));
    expect((await loadCases(['reads'])).map((c) => c.name)).toEqual(['reads']);
  });

  it('renews every id in replayed statements except the kept one, consistently across statements', () => {
    const user = '11111111-1111-4111-8111-111111111111';
    const task = '22222222-2222-4222-8222-222222222222';
    const statements = [
      {
        sql: 'INSERT INTO tasks (id, user_id, input_key) VALUES (?, ?, ?)',
        params: [task, user, `input/${user}/a.jpg`],
      },
      {
        sql: 'INSERT INTO outbox (payload, key, n) VALUES (?, ?, ?)',
        params: [`{"taskId":"${task}"}`, `reserve:${task}`, 3],
      },
    ];
    const first = withFreshIds(statements, new Set([user]));
    const second = withFreshIds(statements, new Set([user]));
    const newTask = first[0].params[0] as string;
    expect(newTask).not.toBe(task);
    expect(first[0].params.slice(1)).toEqual([user, `input/${user}/a.jpg`]);
    expect(first[1].params).toEqual([`{"taskId":"${newTask}"}`, `reserve:${newTask}`, 3]);
    expect(second[0].params[0]).not.toBe(newTask);
    expect(statements[0].params[0]).toBe(task);
  });

  it('takes percentiles by rank', () => {
    const samples = Array.from({ length: 100 }, (_, i) => 100 - i);
    expect(latencyOf(samples)).toEqual({ p50: 50, p95: 95, p99: 99 });
    expect(latencyOf([])).toEqual({ p50: 0, p95: 0, p99: 0 });
  });

  it('prints one aligned table with targets and notes', () => {
    const text = renderTable([
      {
        db: 'sqlite',
        case: 'reads',
        name: 'GET /health',
        value: 1500,
        unit: 'req/s',
        ceiling: { name: 'bare node:http', value: 3000 },
        ratio: 0.5,
        target: { text: '≥ 0.6', met: false },
        latency: { p50: 1.234, p95: 12.5, p99: 150 },
        rssMiB: { before: 100, after: 120.5 },
        notes: ['a note'],
      },
    ]);
    const [header, rule, row] = text.split('\n');
    expect(header).toMatch(/^db\s+measurement\s+value\s+ceiling/);
    expect(rule).toMatch(/^-+ +-+/);
    expect(row).toContain('1500 req/s');
    expect(row).toContain('bare node:http 3000');
    expect(row).toContain('0.50');
    expect(row).toContain('≥ 0.6 MISSED');
    expect(row).toContain('1.23');
    expect(row).toContain('100→121');
    expect(text).toContain('[sqlite] GET /health: a note');
  });

  it('reads the CPU time of a process tree and the memory of a process', async () => {
    // An idle child whose own child burns 0.6 s of CPU: only the tree's sum can pass 0.5 s.
    const burn = 'while (process.cpuUsage().user < 600000); setInterval(() => {}, 1000)';
    const child = spawn(
      process.execPath,
      [
        '-e',
        `require('node:child_process').spawn(process.execPath, ['-e', ${JSON.stringify(burn)}]); setInterval(() => {}, 1000)`,
      ],
      { stdio: 'ignore', detached: true },
    );
    const pid = child.pid as number;
    try {
      await waitFor(
        () => treeCpuSeconds(pid),
        (seconds) => seconds >= 0.5,
        { timeoutMs: 45_000, what: 'the tree CPU' },
      );
      expect(rssMiB(pid)).toBeGreaterThan(5);
      expect(rssMiB(2 ** 22 + 7)).toBe(0);
    } finally {
      process.kill(-pid, 'SIGKILL');
    }
  }, 60_000);

  it('profiles a process over a window only, through its inspector', async () => {
    const port = await freePort();
    // A child that burns CPU in a function of its own name whenever asked, and idles otherwise.
    const child = spawn(
      process.execPath,
      [
        `--inspect=127.0.0.1:${port}`,
        '-e',
        `function busyWindowWork(){const end=Date.now()+300;let x=0;while(Date.now()<end)x+=Math.sqrt(x+1);return x}
         process.stdin.on('data',()=>process.stdout.write(String(busyWindowWork())+'\\n'));`,
      ],
      { stdio: ['pipe', 'pipe', 'pipe'] },
    );
    try {
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      await waitFor(() => stderr.includes('Debugger listening'), { timeoutMs: 20_000 });
      const profiler = await connectWindowProfiler(port);
      try {
        const opened = performance.now();
        await profiler.start(500);
        const answered = new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
        child.stdin.write('go\n');
        await answered;
        const profile = await profiler.stop();
        const windowMs = performance.now() - opened;
        const names = new Set(
          (profile.nodes as Array<{ callFrame: { functionName: string } }>).map((n) => n.callFrame.functionName),
        );
        expect(names.has('busyWindowWork')).toBe(true);
        expect(profile.samples.length).toBeGreaterThan(50);
        // The window, not the process's life: the profile spans no more than start → stop.
        expect((profile.endTime - profile.startTime) / 1000).toBeLessThanOrEqual(windowMs + 50);
        expect((profile.endTime - profile.startTime) / 1000).toBeGreaterThanOrEqual(250);
      } finally {
        profiler.close();
      }
    } finally {
      child.kill();
    }
  });
});
