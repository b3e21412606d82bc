import type { DataSource } from 'typeorm';
import { z } from 'zod';
import { isoOrNull } from '../../db/time';
import { NotFoundError, ValidationError } from '../../errors/app-error';
import { executionUrl } from '../admin-tasks/admin-tasks.service';
import type { ObjectUrlPort } from '../tasks/task-ports';
import { inputsOfTask, definitionOfTask } from '../tasks/task-request';
import { resultKeysOf } from '../tasks/task-view';
import type { Task, TasksRepository } from '../tasks/tasks.repository';
import type { TasksService } from '../tasks/tasks.service';
import type { MediaService } from '../media/media.service';
import { UsersRepository } from '../users/users.repository';
import { definitionOf, type TaskTypesService } from './task-types.service';

/**
 * The system account that owns every console test run: a `users` row no one can sign in as (its
 * "phone" is not a number the SMS or WeChat sign-in accepts). Its balance is never touched: test
 * runs reserve nothing (docs/architecture.md §5 "Test runs").
 */
export const TEST_RUN_ACCOUNT_PHONE = 'system:test-runs';

export const StartTestRunSchema = z
  .object({
    /** Slot name → a key from `POST /admin/task-types/test-uploads` (the test account's uploads). */
    inputs: z.record(z.string().max(32), z.string().min(1).max(255)),
    params: z.record(z.string().max(32), z.unknown()).default({}),
  })
  .openapi('StartTestRun');

export const TestRunSchema = z
  .object({
    id: z.string(),
    type: z.string(),
    status: z.enum(['queued', 'processing', 'done', 'failed', 'canceled']),
    progress: z.number().int(),
    params: z.record(z.string(), z.unknown()),
    /** Each slot's sample keys (to run the same samples again). */
    inputKeys: z.record(z.string(), z.array(z.string())),
    inputUrls: z.record(z.string(), z.array(z.string())),
    resultUrls: z.array(z.string()),
    /** The merchant-facing code and text a merchant's task would have shown. */
    errorCode: z.string().nullable(),
    errorReason: z.string().nullable(),
    /** What the workflow reported (admins only). */
    errorDetail: z.string().nullable(),
    n8nExecutionUrl: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi('TestRun');

export type TestRunDto = z.infer<typeof TestRunSchema>;

export interface TestRunsDeps {
  ds: DataSource;
  types: Pick<TaskTypesService, 'getAdmin'>;
  tasks: Pick<TasksService, 'createTestRun'>;
  repository: Pick<TasksRepository, 'findOwned' | 'list'>;
  media: Pick<MediaService, 'upload'>;
  urls: ObjectUrlPort;
  editorUrl: string | null;
  urlTtlSeconds: number;
  users?: UsersRepository;
}

/**
 * Console test runs: an admin sends a sample through a type's workflow (enabled or not, so a new
 * product can be tried before merchants see it) and reads the outcome. Each run is an ordinary
 * task of the system test account, dispatched, settled, timed out and listed like any other.
 */
export class TestRunsService {
  private accountId: string | null = null;
  private readonly users: UsersRepository;

  constructor(private readonly deps: TestRunsDeps) {
    this.users = deps.users ?? new UsersRepository();
  }

  /** The test account's id, created on first use. */
  async account(): Promise<string> {
    if (!this.accountId)
      this.accountId = (await this.users.findOrCreateUser(this.deps.ds.manager, TEST_RUN_ACCOUNT_PHONE)).id;
    return this.accountId;
  }

  /** Stores a sample image as the test account's upload (same checks as a merchant upload). */
  async upload(bytes: Buffer) {
    const { created, ...upload } = await this.deps.media.upload(await this.account(), bytes);
    void created;
    return upload;
  }

  async start(key: string, input: z.infer<typeof StartTestRunSchema>): Promise<TestRunDto> {
    const def = definitionOf(await this.deps.types.getAdmin(key));
    const taskSlot = def.inputs.find((s) => s.kind === 'task');
    if (taskSlot)
      throw new ValidationError(`inputs.${taskSlot.name}: test runs take sample images only`, {
        [`inputs.${taskSlot.name}`]: 'test runs take sample images only',
      });
    const row = await this.deps.tasks.createTestRun(await this.account(), def, input);
    return this.view(row);
  }

  /** The type's latest test runs, newest first. */
  async recent(key: string, limit = 10): Promise<TestRunDto[]> {
    await this.deps.types.getAdmin(key);
    const found = await this.deps.repository.list(this.deps.ds.manager, {
      userId: await this.account(),
      type: key,
      limit,
    });
    return Promise.all(found.map((row) => this.view(row)));
  }

  async get(key: string, id: string): Promise<TestRunDto> {
    const row = await this.deps.repository.findOwned(this.deps.ds.manager, await this.account(), id);
    if (!row || row.type !== key) throw new NotFoundError('Test run not found', 'TEST_RUN_NOT_FOUND');
    return this.view(row);
  }

  private async view(row: Task): Promise<TestRunDto> {
    const { urls, urlTtlSeconds: ttl } = this.deps;
    const sign = (keys: string[]) => Promise.all(keys.map((k) => urls.signedUrl(k, ttl)));
    const inputKeys: Record<string, string[]> = {};
    const inputUrls: Record<string, string[]> = {};
    for (const [name, input] of Object.entries(inputsOfTask(row, definitionOfTask(row)))) {
      inputKeys[name] = 'key' in input ? [input.key] : input.keys;
      inputUrls[name] = await sign(inputKeys[name]);
    }
    return {
      id: row.id,
      type: row.type,
      status: row.status,
      progress: Number(row.progress),
      params: JSON.parse(row.params) as Record<string, unknown>,
      inputKeys,
      inputUrls,
      resultUrls: row.status === 'done' ? await sign(resultKeysOf(row)) : [],
      errorCode: row.errorCode,
      errorReason: row.errorReason,
      errorDetail: row.errorDetail,
      n8nExecutionUrl: executionUrl(this.deps.editorUrl, row),
      createdAt: isoOrNull(row.createdAt)!,
      finishedAt: isoOrNull(row.finishedAt),
    };
  }
}
