/**
 * Keeps the processes of the scaled topology running, as a container runtime's restart policy
 * would: a process that exits without being asked is started again (same role and port) after
 * 1 s, doubling up to 30 s while it keeps failing. Every change is written to
 * `<DATA_DIR>/run/processes.json` (role, index, pid, port, url, log, restarts), so operators and
 * tests can see and stop any one process.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

/** One started process, however it was started (our child services, n8n, nginx). */
export interface StartedProcess {
  pid: number;
  /** The address it answers on, when it has one (for the topology print). */
  url?: string;
  logFile: string;
  /** Resolves once the process is gone, whatever ended it. */
  exited: Promise<unknown>;
  stop(): Promise<void>;
}

export interface ProcessSpec {
  /** `sandbox`, `n8n-main`, `n8n-webhook`, `n8n-worker`, `backend`, `nginx`. */
  role: string;
  /** 1-based among processes of the same role. */
  index: number;
  port: number;
  start(): Promise<StartedProcess>;
}

export interface ProcessEntry {
  role: string;
  index: number;
  pid: number | null;
  port: number;
  url: string | null;
  log: string | null;
  /** Starts after the first one. */
  restarts: number;
  state: 'running' | 'restarting' | 'stopped';
}

interface Managed {
  spec: ProcessSpec;
  current: StartedProcess | null;
  restarts: number;
  state: ProcessEntry['state'];
  timer: NodeJS.Timeout | null;
  lastStart: number;
  /** Deaths and failed starts in a row, each doubling the wait before the next start. */
  failures: number;
}

const BACKOFF_FIRST_MS = 1000;
const BACKOFF_MAX_MS = 30_000;
/** A process that ran this long before it died starts over from the first backoff. */
const HEALTHY_AFTER_MS = 60_000;

export class Supervisor {
  private readonly managed: Managed[] = [];
  private stopping = false;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly header: Record<string, unknown>,
    private readonly log: (message: string) => void,
  ) {}

  /** Starts the process (rejects if the first start fails) and watches it from then on. */
  async add(spec: ProcessSpec): Promise<StartedProcess> {
    const entry: Managed = {
      spec,
      current: null,
      restarts: 0,
      state: 'restarting',
      timer: null,
      lastStart: Date.now(),
      failures: 0,
    };
    this.managed.push(entry);
    const started = await spec.start();
    this.adopt(entry, started);
    return started;
  }

  entries(): ProcessEntry[] {
    return this.managed.map(({ spec, current, restarts, state }) => ({
      role: spec.role,
      index: spec.index,
      pid: current?.pid ?? null,
      port: spec.port,
      url: current?.url ?? null,
      log: current?.logFile ?? null,
      restarts,
      state,
    }));
  }

  /** Stops everything in the reverse order of starting; nothing is restarted any more. */
  async stopAll(): Promise<void> {
    this.stopping = true;
    for (const entry of [...this.managed].reverse()) {
      if (entry.timer) clearTimeout(entry.timer);
      const current = entry.current;
      entry.current = null;
      entry.state = 'stopped';
      await current?.stop().catch((err: unknown) => this.log(`${name(entry)} stop failed: ${String(err)}`));
    }
    await this.write();
  }

  /** Writes processes.json now (also done on every change). */
  write(): Promise<void> {
    this.writing = this.writing
      .catch((err: unknown) => this.log(`processes.json not written: ${String(err)}`))
      .then(async () => {
        await fs.mkdir(path.dirname(this.file), { recursive: true });
        const body = { ...this.header, updatedAt: new Date().toISOString(), processes: this.entries() };
        const temp = `${this.file}.${process.pid}.tmp`;
        await fs.writeFile(temp, `${JSON.stringify(body, null, 2)}\n`);
        await fs.rename(temp, this.file);
      });
    return this.writing;
  }

  private adopt(entry: Managed, started: StartedProcess): void {
    entry.current = started;
    entry.state = 'running';
    entry.lastStart = Date.now();
    void this.write();
    void started.exited.then(() => {
      if (this.stopping || entry.current !== started) return;
      entry.current = null;
      entry.state = 'restarting';
      entry.failures = Date.now() - entry.lastStart > HEALTHY_AFTER_MS ? 0 : entry.failures + 1;
      this.log(`${name(entry)} (pid ${started.pid}) exited; starting it again`);
      this.schedule(entry);
    });
  }

  private schedule(entry: Managed): void {
    const wait = Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** entry.failures);
    void this.write();
    entry.timer = setTimeout(() => {
      entry.timer = null;
      if (this.stopping) return;
      entry.spec.start().then(
        (started) => {
          entry.restarts += 1;
          if (this.stopping) {
            void started.stop();
            return;
          }
          this.log(`${name(entry)} running again (pid ${started.pid})`);
          this.adopt(entry, started);
        },
        (err: unknown) => {
          entry.failures += 1;
          this.log(`${name(entry)} did not start: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
          this.schedule(entry);
        },
      );
    }, wait);
  }
}

function name(entry: Managed): string {
  return `${entry.spec.role} ${entry.spec.index}`;
}
