/** RunningHub API codes (docs/vendor-facts.md) in words an operator can act on. */
export const RUNNINGHUB_CODES: Record<number, string> = {
  301: 'RunningHub says the request parameters are invalid',
  415: 'RunningHub has no free instance right now (instances maxed out)',
  421: "RunningHub's task queue is full",
  433: 'RunningHub rejected the prompt (validation failed)',
  802: 'RunningHub rejected the API key (check the RunningHub credential)',
  803: 'RunningHub says a node ID or field name is wrong (check the input node settings against the AI app)',
  808: 'RunningHub could not store the uploaded file',
  809: 'The file is too large for RunningHub (30 MB at most)',
  812: 'The RunningHub account has insufficient funds',
  814: 'The personal RunningHub queue limit is reached',
  901: 'RunningHub does not know this webapp ID (check the AI app ID)',
};

/** Codes that mean "busy, try again": retried with backoff before giving up. */
export const RUNNINGHUB_RETRY_CODES = new Set([415, 421]);

export function describeRunningHubCode(code: number, vendorMessage?: string): string {
  const known = RUNNINGHUB_CODES[code];
  if (known) return `${known} (code ${code})`;
  return `RunningHub answered code ${code}${vendorMessage ? `: ${vendorMessage}` : ''}`;
}
