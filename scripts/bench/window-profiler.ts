/**
 * CPU profiles of a backend process over a measured window only (`npm run bench -- --profile`).
 *
 * A whole-life profile (`--cpu-prof`) of the backend is mostly start-up (module compilation,
 * migrations) and seeding (uploads): the few seconds a case measures drown in it. Instead each
 * backend of a profiled run listens with the inspector on a loopback port of its own, and the bench
 * starts V8's sampling profiler right before a case's measured section and stops it right after,
 * over the DevTools protocol, so the profile holds exactly the work the row's figures describe.
 */
import WebSocket from 'ws';

export interface CpuProfile {
  nodes: unknown[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface WindowProfiler {
  /** Starts sampling (every `intervalUs`, default 200 µs). */
  start(intervalUs?: number): Promise<void>;
  /** Stops sampling and answers the profile of the window. */
  stop(): Promise<CpuProfile>;
  close(): void;
}

/** Connects to the inspector of a process started with `--inspect=127.0.0.1:<port>`. */
export async function connectWindowProfiler(inspectorPort: number): Promise<WindowProfiler> {
  const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as Array<{
    webSocketDebuggerUrl?: string;
  }>;
  const url = targets.find((t) => t.webSocketDebuggerUrl)?.webSocketDebuggerUrl;
  if (!url) throw new Error(`no inspector target on port ${inspectorPort}`);
  const socket = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  let nextId = 1;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  socket.on('message', (data: WebSocket.RawData) => {
    const message = JSON.parse(String(data)) as { id?: number; result?: unknown; error?: { message: string } };
    if (message.id === undefined) return; // events
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error) waiter?.reject(new Error(`inspector: ${message.error.message}`));
    else waiter?.resolve(message.result);
  });
  const call = (method: string, params: Record<string, unknown> = {}) =>
    new Promise<unknown>((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      socket.send(JSON.stringify({ id, method, params }));
    });

  await call('Profiler.enable');
  return {
    start: async (intervalUs = 200) => {
      await call('Profiler.setSamplingInterval', { interval: intervalUs });
      await call('Profiler.start');
    },
    stop: async () => ((await call('Profiler.stop')) as { profile: CpuProfile }).profile,
    close: () => socket.close(),
  };
}
