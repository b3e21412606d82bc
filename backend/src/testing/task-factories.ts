import { randomUUID } from 'node:crypto';
import type { NewTask } from '../modules/tasks/tasks.repository';
import type { TaskTypeDefinition } from '../modules/task-types/task-type.schema';

/**
 * A finished (`done`) single-input task of `owner` for `TasksRepository.insert`: its input under
 * the merchant's own prefix unless `overrides.inputKey` names one, no results, deadline now;
 * `overrides` set the rest.
 */
export function doneTask(typeDef: TaskTypeDefinition, owner: string, overrides: Partial<NewTask> = {}): NewTask {
  const inputKey = overrides.inputKey ?? `input/${owner}/a.jpg`;
  return {
    id: randomUUID(),
    userId: owner,
    batchId: randomUUID(),
    type: typeDef.key,
    typeDef,
    status: 'done',
    inputKey,
    inputs: { [typeDef.inputs[0].name]: { key: inputKey } },
    params: {},
    resultKeys: [],
    progress: 100,
    deadlineAt: new Date(),
    clientKey: null,
    cacheKey: null,
    ...overrides,
  };
}
