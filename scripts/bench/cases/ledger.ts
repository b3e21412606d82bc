/** Credit reserves through our ledger (TypeORM + service) against raw mysql2 running the same statements. */
import { ledgerReserveRates } from '../../../backend/src/bench/ledger.bench';
import type { BenchCase } from '../registry';

const ledger: BenchCase = {
  name: 'ledger reserves',
  phase: 'api',
  order: 50,
  dbs: ['mysql'],
  async run(ctx) {
    const concurrency = 20;
    const { ours, baseline } = await ledgerReserveRates({ total: ctx.quick ? 1000 : 3000, concurrency, users: 20 });
    return [
      {
        name: `ledger reserve, ${concurrency} at once on 20 merchants`,
        value: ours,
        unit: 'reserves/s',
        ceiling: { name: 'raw mysql2, same statements', value: baseline },
        ratio: ours / baseline,
        target: { text: '≥ 0.5', met: ours / baseline >= 0.5 },
        notes: ['on its own database; the ledger invariant is checked for every merchant afterwards'],
      },
    ];
  },
};

export default ledger;
