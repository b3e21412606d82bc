/**
 * Merchant reads at 20 keep-alive clients, each against the backend's own /health and a bare
 * node:http server measured in the same run; /health itself against bare node:http.
 */
import { bareCeiling, healthCeiling, measureHttp, READ_CLIENTS, readRows } from '../measure';
import type { BenchCase, BenchRow } from '../registry';
import { seededHistory } from '../seed';

const reads: BenchCase = {
  name: 'reads',
  phase: 'api',
  order: 10,
  async run(ctx) {
    const history = await seededHistory(ctx);
    const bare = await bareCeiling(ctx);
    const health = await healthCeiling(ctx);
    const auth = { authorization: `Bearer ${history.token}` };
    const get = (path: string) =>
      measureHttp(ctx, { url: `${ctx.backend.url}${path}`, headers: auth, connections: READ_CLIENTS });
    const ceilings = { health: health.load.perSecond, bare };
    const healthRow: BenchRow = {
      ...readRows('GET /health', health, ceilings)[1],
      target: { text: '≥ 0.6', met: health.load.perSecond / bare >= 0.6 },
    };
    return [
      healthRow,
      ...readRows(
        'GET /api/v1/tasks/:id',
        await ctx.profiled('task-by-id', () => get(`/api/v1/tasks/${history.taskId}`)),
        ceilings,
        {
          health: 0.8,
          bare: 0.35,
          p95Ms: 15,
        },
      ),
      ...readRows('GET /api/v1/me', await ctx.profiled('me', () => get('/api/v1/me')), ceilings),
    ];
  },
};

export default reads;
