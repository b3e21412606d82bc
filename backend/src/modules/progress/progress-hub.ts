import { z } from 'zod';
import type { KeyValueStore, Unsubscribe } from '../../infra/kv';
import type { Logger } from '../../infra/logger';

/** A task's progress as its owner sees it; published by the callback handler, pushed over /ws. */
export const ProgressEventSchema = z.object({
  taskId: z.string().min(1),
  status: z.enum(['queued', 'processing', 'done', 'failed', 'canceled']),
  progress: z.number().int().min(0).max(100),
  resultUrls: z.array(z.string()).optional(),
  errorCode: z.string().nullable().optional(),
  errorReason: z.string().nullable().optional(),
});
export type ProgressEvent = z.infer<typeof ProgressEventSchema>;

export type ProgressListener = (event: ProgressEvent) => void;

interface UserSubscription {
  listeners: Set<ProgressListener>;
  /** Resolves once the KV store confirmed the subscription (Redis SUBSCRIBE acknowledged). */
  ready: Promise<Unsubscribe>;
}

export function progressChannel(userId: string): string {
  return `progress:${userId}`;
}

/**
 * Fans progress events out to every backend replica through the KV store's pub/sub, and inside
 * one process to the sockets of that user. Each process holds at most one KV subscription per
 * connected user, however many tabs the user has open (reference-counted by listeners).
 */
export class ProgressHub {
  private readonly users = new Map<string, UserSubscription>();

  constructor(
    private readonly kv: KeyValueStore,
    private readonly logger: Logger,
  ) {}

  /** Sends the event to the user's sockets on whichever replica holds them. Fire-and-forget for clients. */
  async publish(userId: string, event: ProgressEvent): Promise<void> {
    const parsed = ProgressEventSchema.parse(event);
    await this.kv.publish(progressChannel(userId), JSON.stringify(parsed));
  }

  /**
   * Calls `listener` for every event of the user until the returned function is called.
   * Resolves when delivery is live, so a caller may announce readiness afterwards.
   */
  async subscribe(userId: string, listener: ProgressListener): Promise<() => Promise<void>> {
    let entry = this.users.get(userId);
    if (!entry) {
      const listeners = new Set<ProgressListener>();
      const ready = this.kv.subscribe(progressChannel(userId), (message) => this.deliver(userId, listeners, message));
      entry = { listeners, ready };
      this.users.set(userId, entry);
      // A failed subscribe must not leave a dead entry that later listeners would reuse.
      ready.catch(() => {
        if (this.users.get(userId) === entry) this.users.delete(userId);
      });
    }
    entry.listeners.add(listener);
    const current = entry;
    try {
      await current.ready;
    } catch (err) {
      current.listeners.delete(listener);
      throw err;
    }
    let released = false;
    return async () => {
      if (released) return;
      released = true;
      current.listeners.delete(listener);
      if (current.listeners.size > 0 || this.users.get(userId) !== current) return;
      this.users.delete(userId);
      await (
        await current.ready
      )();
    };
  }

  /** Users with a live subscription in this process (for metrics and tests). */
  subscribedUsers(): number {
    return this.users.size;
  }

  listenerCount(userId: string): number {
    return this.users.get(userId)?.listeners.size ?? 0;
  }

  private deliver(userId: string, listeners: Set<ProgressListener>, message: string): void {
    let event: ProgressEvent;
    try {
      event = ProgressEventSchema.parse(JSON.parse(message));
    } catch (err) {
      this.logger.warn({ err, userId }, 'dropped a malformed progress event');
      return;
    }
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (err) {
        this.logger.warn({ err, userId }, 'a progress listener failed');
      }
    }
  }
}
