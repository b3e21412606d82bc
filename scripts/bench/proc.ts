/**
 * CPU time and memory of the processes under test, read from Linux's /proc (the bench runs on
 * Linux, as CI does). CPU counts a whole process tree, since n8n starts task-runner children.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
  return ticksPerSecond;
}

/** [ppid, user + system ticks] of one process, or null when it is gone. */
function statOf(pid: number): [number, number] | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses: fields are counted after its last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // After the name: state(3) ppid(4) … utime(14) stime(15) → indexes 1, 11, 12 here.
  return [Number(fields[1]), Number(fields[11]) + Number(fields[12])];
}

/** CPU seconds (user + system) used so far by `pid` and every living descendant. */
export function treeCpuSeconds(pid: number): number {
  const children = new Map<number, number[]>();
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = statOf(Number(entry));
    if (!stat) continue;
    ticks.set(Number(entry), stat[1]);
    const siblings = children.get(stat[0]) ?? [];
    siblings.push(Number(entry));
    children.set(stat[0], siblings);
  }
  let total = 0;
  const queue = [pid];
  while (queue.length) {
    const next = queue.pop() as number;
    total += ticks.get(next) ?? 0;
    queue.push(...(children.get(next) ?? []));
  }
  return total / clockTicks();
}

/** Resident memory of one process in MiB (0 when it is gone). */
export function rssMiB(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** CPU seconds of several named processes between now and `stop()`. */
export function cpuMeter(pids: Record<string, number>): { stop(): Record<string, number> } {
  const start = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, treeCpuSeconds(pid)]));
  return {
    stop: () =>
      Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, treeCpuSeconds(pid) - start[name]])),
  };
}

type RolePids = Record<string, number[]>;

/**
 * CPU seconds by role (each role one or more process trees) between now and `stop()`. The pids
 * are asked for again at the end: a process that appeared meanwhile (a database connection's
 * server process, a restarted worker) counts from its start; one that ended meanwhile is lost.
 */
export async function roleCpuMeter(
  pidsOf: () => RolePids | Promise<RolePids>,
): Promise<{ stop(): Promise<Record<string, number>> }> {
  const start = new Map<number, number>();
  for (const list of Object.values(await pidsOf())) for (const pid of list) start.set(pid, treeCpuSeconds(pid));
  return {
    stop: async () =>
      Object.fromEntries(
        Object.entries(await pidsOf()).map(([role, list]) => [
          role,
          list.reduce((sum, pid) => sum + treeCpuSeconds(pid) - (start.get(pid) ?? 0), 0),
        ]),
      ),
  };
}
