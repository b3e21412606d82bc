import { TERMINAL, type ProgressMessage, type Task } from '../api';

/**
 * The portal's view of task state, fed by three sources that may arrive in any order: API
 * reads, WebSocket events and polling. Two rules keep it consistent: a terminal state is never
 * replaced by a non-terminal one (terminal states never change on the server), and progress
 * never goes backwards while a task runs.
 */
type TaskEvent = Extract<ProgressMessage, { type: 'task' }>;
const MAX_EARLY = 200;

export class TaskStore {
  private readonly tasks = new Map<string, Task>();
  private readonly listeners = new Set<() => void>();
  /** Events for tasks not known yet: a fast task can finish before its create answer is rendered. */
  private readonly early = new Map<string, TaskEvent>();
  private version = 0;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getVersion = (): number => this.version;

  get(id: string): Task | undefined {
    return this.tasks.get(id);
  }

  upsert(incoming: Task): void {
    const current = this.tasks.get(incoming.id);
    const next = current ? merge(current, incoming) : incoming;
    if (next !== current) this.set(next);
    const early = this.early.get(incoming.id);
    if (early) {
      this.early.delete(incoming.id);
      this.applyEvent(early);
    }
  }

  /**
   * Applies a pushed event; answers true when it moved a known task into a terminal state.
   * An event for an unknown task is kept (the newest per task, a bounded number) until it is.
   */
  applyEvent(message: TaskEvent): boolean {
    const current = this.tasks.get(message.taskId);
    if (!current) {
      this.early.delete(message.taskId);
      this.early.set(message.taskId, message);
      if (this.early.size > MAX_EARLY) this.early.delete(this.early.keys().next().value!);
      return false;
    }
    const next = merge(current, {
      ...current,
      status: message.status,
      progress: message.progress,
      resultUrls: message.resultUrls ?? current.resultUrls,
      errorCode: message.errorCode ?? current.errorCode,
      errorReason: message.errorReason ?? current.errorReason,
    });
    if (next === current) return false;
    this.set(next);
    return TERMINAL.has(next.status);
  }

  private set(task: Task): void {
    this.tasks.set(task.id, task);
    this.version += 1;
    this.listeners.forEach((l) => l());
  }
}

function merge(current: Task, incoming: Task): Task {
  if (TERMINAL.has(current.status) && !TERMINAL.has(incoming.status)) return current;
  const progress =
    !TERMINAL.has(incoming.status) && current.status === incoming.status
      ? Math.max(current.progress, incoming.progress)
      : incoming.progress;
  const next = { ...incoming, progress };
  const same =
    next.status === current.status &&
    next.progress === current.progress &&
    next.favorite === current.favorite &&
    next.resultUrls.length === current.resultUrls.length &&
    next.errorReason === current.errorReason &&
    next.retry?.id === current.retry?.id &&
    next.retry?.status === current.retry?.status;
  return same ? current : next;
}
