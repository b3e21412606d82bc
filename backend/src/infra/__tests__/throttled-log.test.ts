import { throttled } from '../throttled-log';

describe('throttled', () => {
  it('writes the first event, then one per interval with the count of those it dropped', () => {
    let clock = 1000;
    const written: Array<[string, number]> = [];
    const log = throttled<string>(
      (event, suppressed) => written.push([event, suppressed]),
      30_000,
      () => clock,
    );

    log('a');
    for (const e of ['b', 'c', 'd']) {
      clock += 1000;
      log(e);
    }
    expect(written).toEqual([['a', 0]]);

    clock = 1000 + 30_000;
    log('e');
    log('f');
    expect(written).toEqual([
      ['a', 0],
      ['e', 3],
    ]);
  });
});
