/**
 * A 10,000-task history: its first page, and a deep page reached by cursor as the portal's "load
 * more" does, measured one after the other.
 */
import { bareCeiling, healthCeiling, measureHttp, READ_CLIENTS, readRows } from '../measure';
import type { BenchCase } from '../registry';
import { seededHistory } from '../seed';

const listPages: BenchCase = {
  name: 'list pages',
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
    const auth = { authorization: `Bearer ${history.token}` };
    const page = (query: string) =>
      measureHttp(ctx, { url: `${ctx.backend.url}/api/v1/tasks?${query}`, headers: auth, connections: READ_CLIENTS });
    const first = await ctx.profiled('list-first-page', () => page('limit=20'));
    const deep = await ctx.profiled('list-deep-page', () => page(`limit=20&cursor=${cursor}`));
    const ceilings = { health: (await healthCeiling(ctx)).load.perSecond, bare: await bareCeiling(ctx) };
    return [
      ...readRows(`GET /api/v1/tasks?limit=20 (first page of ${history.count})`, first, ceilings, { p95Ms: 20 }),
      ...readRows(`GET /api/v1/tasks?limit=20&cursor=… (tasks ${seen + 1}–${seen + 20})`, deep, ceilings, {
        p95Ms: 20,
      }),
    ];
  },
};

export default listPages;
