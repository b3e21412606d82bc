import { sleepWithAbort, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

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
        description: triesHelp,
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
