/** A deep page of a 10,000-task history, reached by cursor as the portal's "load more" does. */
import { bareCeiling, healthCeiling, measureHttp, READ_CLIENTS, readRows } from '../measure';
import type { BenchCase } from '../registry';
import { seededHistory } from '../seed';

const listDeep: BenchCase = {
  name: 'list deep page',
  phase: 'api',
  order: 20,
  async run(ctx) {
    const history = await seededHistory(ctx);
    // Walk to the last hundred tasks the way a client does, 100 per page.
    let cursor: string | null = null;
    let seen = 0;
    while (seen < history.count - 100) {
      const page: { items: unknown[]; nextCursor: string | null } = await ctx.api(
        'GET',
        `/api/v1/tasks?limit=100${cursor ? `&cursor=${cursor}` : ''}`,
        { token: history.token },
      );
      seen += page.items.length;
      cursor = page.nextCursor;
      if (!cursor) throw new Error(`the history ended after ${seen} tasks`);
    }
    const measured = await measureHttp(ctx, {
      url: `${ctx.backend.url}/api/v1/tasks?limit=20&cursor=${cursor}`,
      headers: { authorization: `Bearer ${history.token}` },
      connections: READ_CLIENTS,
    });
    const ceilings = { health: (await healthCeiling(ctx)).load.perSecond, bare: await bareCeiling(ctx) };
    return readRows(
      `GET /api/v1/tasks?limit=20&cursor=… (tasks ${seen + 1}–${seen + 20} of ${history.count})`,
      measured,
      ceilings,
      {
        p95Ms: 20,
      },
    );
  },
};

export default listDeep;
