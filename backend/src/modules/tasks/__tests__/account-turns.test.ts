import { AccountTurns } from '../account-turns';
import type { AccountStanding } from '../task-ports';

const account = (quotaRemaining: number): AccountStanding => ({
  quotaRemaining,
  isMember: 1,
  quotaExpireAt: '2030-01-01 00:00:00.000',
});

/** A promise with its resolve, to hold a turn open until the test lets it go. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

describe('AccountTurns', () => {
  it("runs one account's turns one at a time, in the order taken; another account does not wait", async () => {
    const turns = new AccountTurns();
    const log: string[] = [];
    const first = gate();
    const a1 = turns.enter('a');
    const a2 = turns.enter('a');
    const b1 = turns.enter('b');
    const runs = [
      a1.turn(async () => {
        log.push('a1 start');
        await first.promise;
        log.push('a1 end');
      }),
      a2.turn(async () => void log.push('a2')),
      b1.turn(async () => void log.push('b1')),
    ];
    await runs[2];
    expect(log).toEqual(['a1 start', 'b1']);
    first.open();
    await Promise.all(runs);
    expect(log).toEqual(['a1 start', 'b1', 'a1 end', 'a2']);
    for (const v of [a1, a2, b1]) v.leave();
    expect(turns.size).toBe(0);
  });

  it('hands a turn the latest account observed after its create began, never an older one', async () => {
    const turns = new AccountTurns();
    const before = turns.enter('a');
    await before.turn(async () => before.observe(account(5)));
    // Begun after that observation: it reads the account itself, so it is handed nothing.
    const later = turns.enter('a');
    const seen: Array<AccountStanding | null> = [];
    await later.turn(async (s) => void seen.push(s));
    const writer = turns.enter('a');
    await writer.turn(async () => {
      writer.observe(account(3));
      writer.observe(account(0));
    });
    await later.turn(async (s) => void seen.push(s));
    expect(seen).toEqual([null, account(0)]);
    for (const v of [before, later, writer]) v.leave();
  });

  it('lets the next turn run after one fails, and forgets an account once every create has left', async () => {
    const turns = new AccountTurns();
    const failing = turns.enter('a');
    const next = turns.enter('a');
    const failed = failing.turn(async () => {
      throw new Error('reserve failed');
    });
    const ran = next.turn(async () => 'ran');
    await expect(failed).rejects.toThrow('reserve failed');
    await expect(ran).resolves.toBe('ran');
    failing.leave();
    failing.leave();
    expect(turns.size).toBe(1);
    next.leave();
    expect(turns.size).toBe(0);
  });
});
