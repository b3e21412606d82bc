/**
 * 1,000 single-image creates at once (1,000 connections) by one merchant holding 100 credits:
 * exactly 100 must be accepted and 900 refused with 402, the ledger must balance, and the whole
 * storm should settle in under 2 s. Ceiling: the bare node:http server taking the same storm.
 * Both storms come from the same lean generator (`../storm.ts`: 1,000 connections started at once,
 * one pre-encoded request each), so their ratio compares the servers, not the generator's set-up.
 */
import { LedgerService } from '../../../backend/src/modules/ledger/ledger.service';
import { runStorm, type StormResult } from '../storm';
import type { BenchCase } from '../registry';
import { garmentPhotos, uploadAll } from '../seed';

const REQUESTS = 1000;

const errorsOf = (storm: StormResult) =>
  Object.keys(storm.errors).length ? `, errors ${JSON.stringify(storm.errors)}` : '';
const CREDITS = 100;

const createStorm: BenchCase = {
  name: '1,000 concurrent creates, 100 credits',
  phase: 'api',
  order: 40,
  async run(ctx) {
    const merchant = await ctx.merchant(CREDITS);
    const [inputKey] = await uploadAll(ctx, merchant.token, await garmentPhotos(1, 2000));
    const storm = { method: 'POST' as const, connections: REQUESTS };
    const bare = await runStorm({ ...storm, url: `${ctx.system.bare.url}/storm`, body: '{}' });
    const rssBefore = ctx.backendRss();
    const ours = await ctx.profiled('create-storm', () =>
      runStorm({
        ...storm,
        url: `${ctx.backend.url}/api/v1/tasks`,
        headers: { authorization: `Bearer ${merchant.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'basic_clean', inputKey }),
      }),
    );
    const rssMiB = { before: rssBefore, after: ctx.backendRss() };
    const { statuses } = ours;
    const accepted = statuses['201'] ?? 0;
    const invariant = await new LedgerService(ctx.ds).checkInvariant(merchant.userId);
    const exact =
      accepted === CREDITS && statuses['402'] === REQUESTS - CREDITS && invariant.ok && invariant.balance === 0;
    const wall = ours.seconds;
    return [
      {
        name: `${REQUESTS} concurrent single-image creates, ${CREDITS} credits: wall time`,
        value: wall,
        unit: 's',
        ceiling: { name: `bare node:http, ${REQUESTS} concurrent (s)`, value: bare.seconds },
        ratio: bare.seconds / wall,
        target: { text: `exactly ${CREDITS} accepted, < 2 s`, met: exact && wall < 2 },
        latency: { p50: ours.p50, p95: ours.p95, p99: ours.p99 },
        rssMiB,
        broken:
          accepted > CREDITS || !invariant.ok
            ? `${accepted} accepted with ${CREDITS} credits; ${invariant.problems.join('; ')}`
            : undefined,
        notes: [
          `answers ${JSON.stringify(statuses)}${errorsOf(ours)} (bare: ${JSON.stringify(bare.statuses)}${errorsOf(bare)}); ledger ${invariant.ok ? 'balances' : `BROKEN: ${invariant.problems.join('; ')}`} (balance ${invariant.balance})`,
        ],
      },
    ];
  },
};

export default createStorm;
