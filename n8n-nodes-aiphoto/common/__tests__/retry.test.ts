import { NodeApiError } from 'n8n-workflow';

import { fakeExecuteContext, testNode } from '../../test-helpers/fake-context';
import { isNetworkError, isTransientStatus, withRetry } from '../retry';

const ctx = (cancelSignal?: AbortSignal) => fakeExecuteContext({ parameters: {}, cancelSignal });
const reset = () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });

describe('isNetworkError', () => {
  it('recognises a failed connection, also wrapped in the NodeApiError n8n throws', () => {
    expect(isNetworkError(reset())).toBe(true);
    expect(isNetworkError(new NodeApiError(testNode, reset() as never))).toBe(true);
    expect(isNetworkError(new Error('boom', { cause: Object.assign(new Error('x'), { code: 'ETIMEDOUT' }) }))).toBe(
      true,
    );
  });

  it('leaves answers and other failures alone', () => {
    expect(isNetworkError(new Error('bad input'))).toBe(false);
    expect(isNetworkError(Object.assign(new Error('no such host'), { code: 'ENOTFOUND' }))).toBe(false);
    expect(isNetworkError(new NodeApiError(testNode, { httpCode: '400' }))).toBe(false);
    expect(isNetworkError(undefined)).toBe(false);
  });
});

describe('isTransientStatus', () => {
  it.each([408, 425, 429, 500, 502, 503, 504])('retries %i', (status) => expect(isTransientStatus(status)).toBe(true));
  it.each([400, 401, 403, 404, 409, 422])('does not retry %i', (status) =>
    expect(isTransientStatus(status)).toBe(false),
  );
});

describe('withRetry', () => {
  const policy = { attempts: 3, baseDelayMs: 0 };

  it('tries again after a network error or a retry answer and reports the tries', async () => {
    const seen: number[] = [];
    const result = await withRetry(ctx(), policy, 0, async (attempt) => {
      seen.push(attempt);
      if (attempt === 1) throw reset();
      if (attempt === 2) return { retry: new Error('HTTP 503') };
      return { done: 'ok' };
    });
    expect(result).toEqual({ value: 'ok', attempts: 3 });
    expect(seen).toEqual([1, 2, 3]);
  });

  it('throws the last error when no try is left, through `exhausted` when given', async () => {
    const always = async () => ({ retry: new Error('HTTP 502') });
    await expect(withRetry(ctx(), policy, 0, always)).rejects.toThrow('HTTP 502');
    await expect(
      withRetry(ctx(), policy, 0, always, (last, tries) => new Error(`${tries} tries: ${last.message}`)),
    ).rejects.toThrow('3 tries: HTTP 502');
  });

  it('lets any other error through at once', async () => {
    let tries = 0;
    const failing = withRetry(ctx(), policy, 0, async () => {
      tries++;
      throw new Error('credentials missing');
    });
    await expect(failing).rejects.toThrow('credentials missing');
    expect(tries).toBe(1);
  });

  it('stops at once when the execution is stopped, even on a network error', async () => {
    const stop = new AbortController();
    let tries = 0;
    const stopped = withRetry(ctx(stop.signal), { attempts: 3, baseDelayMs: 60_000 }, 0, async () => {
      tries++;
      stop.abort();
      throw reset();
    });
    await expect(stopped).rejects.toThrow('socket hang up');
    expect(tries).toBe(1);
  });
});
