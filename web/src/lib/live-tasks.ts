import { TERMINAL, type ApiClient, type ProgressMessage, type Task } from '../api';
import { TaskStore } from './task-store';

export type SocketState = 'connecting' | 'ready' | 'closed';

const PROTOCOL = 'aiphoto-progress';
const POLL_MS = 3000;
const MAX_BACKOFF_MS = 30_000;

/**
 * Live task state for the signed-in merchant: one WebSocket for pushed progress, and a 3 s poll
 * of the watched unfinished tasks whenever the socket is not ready (events are not replayed, so
 * every (re)connect also reads the watched tasks once). Polling stops for a task once it is
 * done, failed or canceled.
 */
export class LiveTasks {
  readonly store = new TaskStore();
  private readonly watched = new Map<string, number>();
  private socket: WebSocket | null = null;
  private state: SocketState = 'closed';
  private backoffMs = 1000;
  private reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private stopped = true;

  /** @param onSettled called when a followed task ends (the balance may have changed: refunds). */
  constructor(
    private readonly api: ApiClient,
    private readonly token: string,
    private readonly onSettled: (task: Task) => void = () => undefined,
  ) {}

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.connect();
    this.pollTimer = setInterval(() => {
      if (this.state !== 'ready') void this.refreshWatched();
    }, POLL_MS);
  }

  stop(): void {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.socket?.close(1000);
    this.socket = null;
    this.state = 'closed';
  }

  get socketState(): SocketState {
    return this.state;
  }

  /** Follows these tasks until unwatched; answers the unwatch function (reference counted). */
  watch(tasks: Task[]): () => void {
    for (const t of tasks) {
      this.store.upsert(t);
      this.watched.set(t.id, (this.watched.get(t.id) ?? 0) + 1);
    }
    return () => {
      for (const t of tasks) {
        const n = (this.watched.get(t.id) ?? 1) - 1;
        if (n <= 0) this.watched.delete(t.id);
        else this.watched.set(t.id, n);
      }
    };
  }

  /** Reads one task and stores it (after an action, or when an event says it finished). */
  async refresh(id: string): Promise<Task | null> {
    try {
      const before = this.store.get(id);
      const task = await this.api.task(id);
      this.store.upsert(task);
      if (TERMINAL.has(task.status) && before && !TERMINAL.has(before.status)) this.onSettled(task);
      return task;
    } catch {
      return null; // a later poll or event tries again
    }
  }

  private async refreshWatched(): Promise<void> {
    const open = [...this.watched.keys()].filter((id) => {
      const t = this.store.get(id);
      return !t || !TERMINAL.has(t.status);
    });
    await Promise.all(open.map((id) => this.refresh(id)));
  }

  private connect(): void {
    if (this.stopped) return;
    this.state = 'connecting';
    let socket: WebSocket;
    try {
      socket = new WebSocket(this.api.progressSocketUrl(), [PROTOCOL, this.token]);
    } catch {
      this.scheduleReconnect();
      return;
    }
    this.socket = socket;
    socket.onmessage = (e) => this.onMessage(String(e.data));
    socket.onclose = () => {
      if (this.socket !== socket) return;
      this.state = 'closed';
      this.scheduleReconnect();
    };
  }

  private onMessage(data: string): void {
    let message: ProgressMessage;
    try {
      message = JSON.parse(data) as ProgressMessage;
    } catch {
      return;
    }
    if (message.type === 'ready') {
      this.state = 'ready';
      this.backoffMs = 1000;
      void this.refreshWatched();
    } else if (message.type === 'task') {
      // Events carry no signed URLs for every case; the finished task is read once for them.
      if (this.store.applyEvent(message)) {
        const task = this.store.get(message.taskId);
        if (task) this.onSettled(task);
        void this.refresh(message.taskId);
      }
    }
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    this.reconnectTimer = setTimeout(() => this.connect(), this.backoffMs);
    this.backoffMs = Math.min(this.backoffMs * 2, MAX_BACKOFF_MS);
  }
}
