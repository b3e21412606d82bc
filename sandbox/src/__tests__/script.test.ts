import { CallCounter } from '../calls';
import { OutcomeScript } from '../script';

describe('scripted outcomes and call counts', () => {
  it('applies a script to the next `times` calls, then behaves normally', () => {
    const script = new OutcomeScript<'success' | 'fail'>();
    expect(script.take()).toBeUndefined();
    script.set({ outcome: 'fail' }, 2);
    expect(script.pending()).toEqual({ outcome: 'fail', remaining: 2 });
    expect(script.take()).toEqual({ outcome: 'fail' });
    expect(script.take()).toEqual({ outcome: 'fail' });
    expect(script.take()).toBeUndefined();
  });

  it('is cleared by reset', () => {
    const script = new OutcomeScript<'hang'>();
    script.set({ outcome: 'hang', delayMs: 5 }, 10);
    script.reset();
    expect(script.take()).toBeUndefined();
  });

  it('counts calls by endpoint and resets', () => {
    const calls = new CallCounter();
    calls.record('runninghub:outputs');
    calls.record('cos:PutObject');
    calls.record('runninghub:outputs');
    expect(calls.snapshot()).toEqual({ 'cos:PutObject': 1, 'runninghub:outputs': 2 });
    calls.reset();
    expect(calls.snapshot()).toEqual({});
  });
});
