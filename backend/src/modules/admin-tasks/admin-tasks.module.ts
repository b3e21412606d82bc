import type { Module } from '../../app';
import type { AppContext } from '../../app-context';
import type { JwtService } from '../auth/jwt.service';
import type { ObjectUrlPort } from '../tasks/task-ports';
import { AdminTasksRepository } from './admin-tasks.repository';
import { adminTasksRoutes } from './admin-tasks.routes';
import { AdminTasksService } from './admin-tasks.service';

/** The console's view of every merchant's tasks (list, detail with the n8n execution link). */
export function createAdminTasksModule(
  ctx: AppContext,
  deps: { jwt: JwtService; urls: ObjectUrlPort },
): Module<{ service: AdminTasksService }> {
  const service = new AdminTasksService({
    db: ctx.db,
    repository: new AdminTasksRepository(),
    urls: deps.urls,
    editorUrl: ctx.config.n8n.editorUrl,
    resultUrlTtlSeconds: ctx.config.tasks.resultUrlTtlSeconds,
  });
  return { name: 'admin-tasks', router: adminTasksRoutes(ctx, { jwt: deps.jwt, service }), api: { service } };
}
