import { sleepWithAbort, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { itemError } from './run-items';

export interface RetryPolicy {
  /** Total tries including the first one. */
  attempts: number;
  /** Delay before the second try; doubles for each further try. */
  baseDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 2000 };

/**
 * Bounded exponential backoff: n8n's sleep, because nodes must not use timers directly. With the
 * execution's cancel signal, stopping the execution in n8n ends the wait at once (it rejects).
 */
export async function backoff(policy: RetryPolicy, failedAttempt: number, signal?: AbortSignal): Promise<void> {
  const delay = policy.baseDelayMs * 2 ** (failedAttempt - 1);
  if (delay > 0) await sleepWithAbort(delay, signal);
}

/**
 * Error codes of a request that never got an answer (connection refused, reset or timed out, a
 * transient DNS failure): the same request may well succeed a moment later. n8n wraps them in a
 * NodeApiError whose `httpCode` is the code and whose `cause` is the original error.
 */
const NETWORK_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Whether `error` (or an error it wraps) is a network failure rather than an answer. */
export function isNetworkError(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const { code, httpCode } = current as { code?: unknown; httpCode?: unknown };
    if (typeof code === 'string' && NETWORK_ERROR_CODES.has(code)) return true;
    if (typeof httpCode === 'string' && NETWORK_ERROR_CODES.has(httpCode)) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** HTTP answers worth another try: the service is restarting, overloaded or rate limiting. */
export function isTransientStatus(statusCode: number): boolean {
  return statusCode === 408 || statusCode === 425 || statusCode === 429 || statusCode >= 500;
}

/** One try's outcome: a result, or the error to report should no try be left. */
export type TryOutcome<T> = { done: T } | { retry: Error };

export interface RetryResult<T> {
  value: T;
  /** How many tries it took (1 when the first succeeded). */
  attempts: number;
}

/**
 * The one retry loop of the package (RunningHub calls, the callback to the backend): up to
 * `policy.attempts` tries with doubling delays. A try asks for another by returning
 * `{ retry: error }` (a transient answer); a network error it throws counts the same. Any other
 * error, and any error once the execution is stopped, ends the loop at once (as the n8n error of
 * item `itemIndex`). When no try is
 * left, the last error is thrown, through `exhausted` if given (to say how many tries were made).
 *
 * This is separate from n8n's "Retry On Fail" node setting, which re-runs the whole node after any
 * error; the two multiply, so a node with Max Tries 3 under Retry On Fail 3 may send 9 requests.
 */
export async function withRetry<T>(
  ctx: IExecuteFunctions,
  policy: RetryPolicy,
  itemIndex: number,
  tryOnce: (attempt: number) => Promise<TryOutcome<T>>,
  exhausted?: (lastError: Error, attempts: number) => Error,
): Promise<RetryResult<T>> {
  const signal = ctx.getExecutionCancelSignal();
  let lastError: Error = new Error('no try was made');
  for (let attempt = 1; attempt <= policy.attempts; attempt++) {
    let outcome: TryOutcome<T>;
    try {
      outcome = await tryOnce(attempt);
    } catch (error) {
      if (signal?.aborted || !isNetworkError(error)) throw itemError(ctx, error, itemIndex);
      outcome = { retry: error as Error };
    }
    if ('done' in outcome) return { value: outcome.done, attempts: attempt };
    lastError = outcome.retry;
    if (attempt < policy.attempts) await backoff(policy, attempt, signal);
  }
  throw exhausted ? exhausted(lastError, policy.attempts) : lastError;
}

/** Clamp operator input so a typo cannot turn a retry into an endless loop. */
export function retryPolicyFrom(attempts: unknown, baseDelayMs: unknown): RetryPolicy {
  const tries = Number.isFinite(Number(attempts)) ? Math.trunc(Number(attempts)) : DEFAULT_RETRY.attempts;
  const delay = Number.isFinite(Number(baseDelayMs)) ? Number(baseDelayMs) : DEFAULT_RETRY.baseDelayMs;
  return { attempts: Math.min(Math.max(tries, 1), 10), baseDelayMs: Math.min(Math.max(delay, 0), 60_000) };
}

/**
 * The "Options" collection (Max Tries, Retry Delay) of a node that retries; `triesHelp` tells the
 * operator what is retried. Read back with `retryPolicyOf` and the same default delay.
 */
export function retryOptions(triesHelp: string, defaultDelayMs: number): INodeProperties {
  return {
    displayName: 'Options',
    name: 'options',
    type: 'collection',
    placeholder: 'Add Option',
    default: {},
    options: [
      {
        displayName: 'Max Tries',
        name: 'maxTries',
        type: 'number',
        typeOptions: { minValue: 1, maxValue: 10 },
        default: DEFAULT_RETRY.attempts,
        description: `${triesHelp}. Independent of the node setting "Retry On Fail", which re-runs the whole node after any error (the two multiply).`,
      },
      {
        displayName: 'Retry Delay (Ms)',
        name: 'retryDelayMs',
        type: 'number',
        typeOptions: { minValue: 0 },
        default: defaultDelayMs,
        description: 'Wait before the second try; doubles for each further try',
      },
    ],
  };
}

/** The retry policy an item's "Options" collection asks for. */
export function retryPolicyOf(ctx: IExecuteFunctions, itemIndex: number, defaultDelayMs: number): RetryPolicy {
  const options = ctx.getNodeParameter('options', itemIndex, {}) as { maxTries?: number; retryDelayMs?: number };
  return retryPolicyFrom(options.maxTries ?? DEFAULT_RETRY.attempts, options.retryDelayMs ?? defaultDelayMs);
}
