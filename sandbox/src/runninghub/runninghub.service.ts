import { randomBytes, randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SandboxContext } from '../context';
import { assertFetchable, downloadInput } from './fetch-input';
import { AppInputError, planRun, type AppRun } from './apps';
import { UPLOADED_NAME, type RunRequest } from './node-info';
import {
  outputsResponse,
  settlesAt,
  statusOf,
  type RunTask,
  type RunningHubResponse,
  type TaskStatus,
} from './run-task';

/** A RunningHub answer that is not a success (`{ code, msg, data: null }`). */
export class RunningHubError extends Error {
  constructor(
    readonly code: number,
    msg: string,
  ) {
    super(msg);
  }
}

/** RunningHub task ids are long decimal strings. */
function newTaskId(): string {
  return (BigInt(Date.now()) * 1_000_000n + BigInt(randomBytes(3).readUIntBE(0, 3) % 1_000_000)).toString();
}

/**
 * The simulated RunningHub AI apps (apps.ts: model_pose12, fitting, travel, by webapp id): a run
 * is QUEUED for `queueMs`, RUNNING for `runMs`, then SUCCESS with the app's generated images (or
 * FAILED / stuck RUNNING when scripted, whatever the app). Images are produced right away in the
 * background; the clock only decides when they become visible.
 */
export class RunningHubService {
  private readonly tasks = new Map<string, RunTask>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly work = new Set<Promise<void>>();

  constructor(private readonly ctx: SandboxContext) {}

  get filesDir(): string {
    return join(this.ctx.root, 'runninghub', 'tasks');
  }

  get uploadsDir(): string {
    return join(this.ctx.root, 'runninghub', 'uploads');
  }

  assertApiKey(apiKey: unknown): void {
    if (apiKey !== this.ctx.runninghub.apiKey) throw new RunningHubError(802, 'APIKEY_UNAUTHORIZED');
  }

  run(req: RunRequest): RunningHubResponse {
    this.assertApiKey(req.apiKey);
    let plan: AppRun;
    try {
      plan = planRun(req.webappId, req.nodeInfoList);
    } catch (err) {
      if (err instanceof AppInputError) throw new RunningHubError(803, err.message);
      throw err;
    }
    const ownHost = new URL(this.ctx.publicUrl()).host;
    // Every image is checked before the run starts: a refused URL refuses the whole run.
    const sources = plan.images.map((value) => (UPLOADED_NAME.test(value) ? value : assertFetchable(value, ownHost)));
    const script = this.ctx.runninghubScript.take();
    const task: RunTask = {
      taskId: newTaskId(),
      createdAt: this.ctx.now(),
      queueMs: this.ctx.runninghub.queueMs,
      runMs: script?.delayMs ?? this.ctx.runninghub.runMs,
      outcome: script?.outcome ?? 'success',
      generation: 'pending',
      fileUrls: [],
      outputNodeId: '9',
      webhookUrl: req.webhookUrl,
      webhookSent: false,
    };
    this.tasks.set(task.taskId, task);
    // Scripted failures and hangs never produce images, like a run that dies on the vendor side.
    if (task.outcome === 'success') this.track(this.generate(task, plan, sources));
    const settle = settlesAt(task);
    if (settle !== undefined) this.schedule(() => this.maybeNotify(task), settle - this.ctx.now());
    return {
      code: 0,
      msg: 'success',
      data: {
        taskId: task.taskId,
        taskStatus: statusOf(task, this.ctx.now()),
        clientId: randomUUID().replace(/-/g, ''),
        netWssUrl: `${this.ctx.publicUrl().replace(/^http/, 'ws')}/ws/c_instance?taskId=${task.taskId}`,
        promptTips: JSON.stringify({
          result: true,
          error: null,
          outputs_to_execute: [task.outputNodeId],
          node_errors: {},
        }),
      },
    };
  }

  private task(apiKey: unknown, taskId: unknown): RunTask {
    this.assertApiKey(apiKey);
    const task = typeof taskId === 'string' || typeof taskId === 'number' ? this.tasks.get(String(taskId)) : undefined;
    if (!task) throw new RunningHubError(807, 'APIKEY_TASK_NOT_FOUND');
    return task;
  }

  status(apiKey: unknown, taskId: unknown): TaskStatus {
    return statusOf(this.task(apiKey, taskId), this.ctx.now());
  }

  outputs(apiKey: unknown, taskId: unknown): RunningHubResponse {
    return outputsResponse(this.task(apiKey, taskId), this.ctx.now());
  }

  /** Stores an upload as RunningHub does and returns the `fileName` to use as a fieldValue. */
  async upload(body: Buffer, ext: string, sha256: string): Promise<string> {
    await mkdir(this.uploadsDir, { recursive: true });
    await writeFile(join(this.uploadsDir, `${sha256}.${ext}`), body);
    return `api/${sha256}.${ext}`;
  }

  private async generate(task: RunTask, plan: AppRun, sources: Array<URL | string>): Promise<void> {
    try {
      const inputs = await Promise.all(
        sources.map((source) =>
          source instanceof URL ? downloadInput(source) : readFile(join(this.uploadsDir, source.slice('api/'.length))),
        ),
      );
      const images = await plan.render(inputs);
      const dir = join(this.filesDir, task.taskId);
      await mkdir(dir, { recursive: true });
      await Promise.all(images.map((png, i) => writeFile(join(dir, `${i + 1}.png`), png)));
      task.fileUrls = images.map((_, i) => `${this.ctx.publicUrl()}/runninghub/files/${task.taskId}/${i + 1}.png`);
      task.generation = 'done';
    } catch (err) {
      task.generation = 'failed';
      task.failedReason = {
        node_name: 'LoadImage',
        node_id: '10',
        exception_message: err instanceof Error ? err.message : String(err),
        exception_type: 'RuntimeError',
        traceback: '',
      };
    }
    await this.maybeNotify(task);
  }

  /** Sends the webhook once the task has settled (both the clock and the work are done). */
  private async maybeNotify(task: RunTask): Promise<void> {
    const status = statusOf(task, this.ctx.now());
    if (!task.webhookUrl || task.webhookSent || (status !== 'SUCCESS' && status !== 'FAILED')) return;
    task.webhookSent = true;
    const eventData = JSON.stringify(outputsResponse(task, this.ctx.now()));
    try {
      await fetch(task.webhookUrl, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ taskId: task.taskId, eventData }),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      // RunningHub does not retry webhooks either; pollers still see the result.
      console.warn(
        `[sandbox] RunningHub webhook to ${task.webhookUrl} failed:`,
        err instanceof Error ? err.message : err,
      );
    }
  }

  private schedule(fn: () => Promise<void>, delayMs: number): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        this.track(fn());
      },
      Math.max(0, delayMs),
    );
    this.timers.add(timer);
  }

  private track(promise: Promise<void>): void {
    this.work.add(promise);
    void promise.finally(() => this.work.delete(promise));
  }

  /** Stops timers and waits for in-flight work, so `close()` leaves nothing running. */
  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    await Promise.allSettled([...this.work]);
  }
}
