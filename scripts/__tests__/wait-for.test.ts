import { waitFor } from '../../jest/wait-for';

describe('waitFor, the shared way tests wait for an effect', () => {
  it('probes until the condition holds and answers the value that met it', async () => {
    let probes = 0;
    const value = await waitFor(
      () => ++probes,
      (n) => n >= 3,
    );
    expect(value).toBe(3);
    expect(probes).toBe(3);
  });

  it('waits for a truthy value when no condition is given, with the options second', async () => {
    const seen: Array<string | undefined> = [undefined, undefined, 'ready'];
    await expect(waitFor(async () => seen.shift(), { what: 'the message' })).resolves.toBe('ready');
  });

  it('gives up after its bound, naming what it waited for and the last value', async () => {
    await expect(
      waitFor(
        () => ({ count: 1 }),
        (v) => v.count > 1,
        { timeoutMs: 50, what: 'two rows' },
      ),
    ).rejects.toThrow('two rows not met within 50 ms; last value: {"count":1}');
  });

  it('fails at once when the probe throws', async () => {
    let probes = 0;
    const failing = waitFor(() => {
      probes++;
      throw new Error('probe broke');
    });
    await expect(failing).rejects.toThrow('probe broke');
    expect(probes).toBe(1);
  });
});
