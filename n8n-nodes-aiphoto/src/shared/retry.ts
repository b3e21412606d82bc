import { sleep } from 'n8n-workflow';

export interface RetryPolicy {
	/** Total tries including the first one. */
	attempts: number;
	/** Delay before the second try; doubles for each further try. */
	baseDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 2000 };

/** Bounded exponential backoff: n8n's sleep, because nodes must not use timers directly. */
export async function backoff(policy: RetryPolicy, failedAttempt: number): Promise<void> {
	const delay = policy.baseDelayMs * 2 ** (failedAttempt - 1);
	if (delay > 0) await sleep(delay);
}

/** Clamp operator input so a typo cannot turn a retry into an endless loop. */
export function retryPolicyFrom(attempts: unknown, baseDelayMs: unknown): RetryPolicy {
	const tries = Number.isFinite(Number(attempts)) ? Math.trunc(Number(attempts)) : DEFAULT_RETRY.attempts;
	const delay = Number.isFinite(Number(baseDelayMs)) ? Number(baseDelayMs) : DEFAULT_RETRY.baseDelayMs;
	return { attempts: Math.min(Math.max(tries, 1), 10), baseDelayMs: Math.min(Math.max(delay, 0), 60_000) };
}
