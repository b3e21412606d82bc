import type { Module } from '../../app';
import type { AppContext } from '../../app-context';
import type { JwtService } from '../auth/jwt.service';
import type { MediaApi } from '../media/media.module';
import type { TasksApi } from '../tasks/tasks.module';
import { adminTaskTypeRoutes } from './task-types.routes';
import { TestRunsService } from './test-runs.service';

export interface TaskTypesModuleDeps {
  jwt: JwtService;
  /** The task types themselves live with the tasks (the public list is on the tasks router). */
  tasks: Pick<TasksApi, 'types' | 'service' | 'repository'>;
  /** Uploads and signed URLs for test runs; without it the console manages types but cannot try them. */
  media?: Pick<MediaApi, 'media' | 'storage'>;
}

/**
 * Task types as data: the console registers products and tries them with test runs, tasks of
 * the system test account that charge no one.
 */
export function createTaskTypesModule(
  ctx: AppContext,
  deps: TaskTypesModuleDeps,
): Module<{ testRuns?: TestRunsService }> {
  const { media, tasks } = deps;
  const testRuns = media
    ? new TestRunsService({
        ds: ctx.db,
        types: tasks.types,
        tasks: tasks.service,
        repository: tasks.repository,
        media: media.media,
        urls: media.storage,
        editorUrl: ctx.config.n8n.editorUrl,
        urlTtlSeconds: ctx.config.tasks.resultUrlTtlSeconds,
      })
    : undefined;
  return {
    name: 'admin-task-types',
    router: adminTaskTypeRoutes(ctx, {
      jwt: deps.jwt,
      types: tasks.types,
      testRuns:
        testRuns && media
          ? { service: testRuns, uploadMaxBytes: ctx.config.storage.uploadMaxBytes, slots: media.media.slots }
          : undefined,
    }),
    api: { testRuns },
  };
}
