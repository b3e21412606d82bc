import type { DataSource } from 'typeorm';
import { isUniqueViolation } from '../../db/db-errors';
import { inTransaction } from '../../db/transaction';
import { ConflictError, NotFoundError, ValidationError } from '../../errors/app-error';
import {
  CreateTaskTypeSchema,
  toPublicTaskType,
  type AdminTaskType,
  type CreateTaskTypeInput,
  type PublicTaskType,
  type TaskTypeDefinition,
  type UpdateTaskTypeInput,
} from './task-type.schema';
import { TaskTypesRepository, type TaskTypeRow } from './task-types.repository';

/** Strips the stored row to the definition a task freezes (no timestamps). */
export function definitionOf(row: AdminTaskType): TaskTypeDefinition {
  const { createdAt: _c, updatedAt: _u, ...def } = row;
  void _c;
  void _u;
  return def;
}

/**
 * The product catalog as data: what merchants can create (enabled types), what admins edit.
 * Tasks never read a type after creation; they carry the definition they were made with.
 */
export class TaskTypesService {
  constructor(
    private readonly ds: DataSource,
    private readonly repo = new TaskTypesRepository(),
    private readonly now: () => Date = () => new Date(),
  ) {}

  async listPublic(): Promise<PublicTaskType[]> {
    return (await this.repo.list(this.ds.manager, true)).map(toPublicTaskType);
  }

  listAdmin(): Promise<AdminTaskType[]> {
    return this.repo.list(this.ds.manager, false);
  }

  async getAdmin(key: string): Promise<AdminTaskType> {
    const found = await this.repo.find(this.ds.manager, key);
    if (!found) throw new NotFoundError(`No task type "${key}"`, 'TASK_TYPE_NOT_FOUND');
    return found;
  }

  /**
   * The definition a new task of `key` is created with (deeply frozen, shared by the creates
   * that read the same row: see `TaskTypesRepository.findForCreate`); 400 when unknown or disabled.
   * `read`: the row a create's one read already answered (tasks/create-reads.repository.ts), instead of reading it.
   */
  async forCreate(key: string, read?: { row: TaskTypeRow | null }): Promise<TaskTypeDefinition> {
    const found = await this.repo.findForCreate(this.ds.manager, key, read);
    if (!found || !found.enabled) {
      const offered = (await this.repo.list(this.ds.manager, true)).map((t) => t.key);
      throw new ValidationError(`type: must be one of ${offered.join(', ')}`, { type: 'unknown or disabled' });
    }
    return found;
  }

  async create(input: CreateTaskTypeInput): Promise<AdminTaskType> {
    try {
      await inTransaction(this.ds, (tx) => this.repo.insert(tx, input, this.now()));
    } catch (err) {
      if (isUniqueViolation(err)) throw new ConflictError(`The key "${input.key}" is already used`, 'TASK_TYPE_TAKEN');
      throw err;
    }
    return this.getAdmin(input.key);
  }

  /** Changes only what `changes` names; the result is validated as a whole definition. */
  async update(key: string, changes: UpdateTaskTypeInput): Promise<AdminTaskType> {
    const current = definitionOf(await this.getAdmin(key));
    // A ZodError answers 400 like any request validation (http/error-middleware).
    const merged = CreateTaskTypeSchema.parse({ ...current, ...changes, key });
    await inTransaction(this.ds, (tx) => this.repo.update(tx, merged, this.now()));
    return this.getAdmin(key);
  }
}
