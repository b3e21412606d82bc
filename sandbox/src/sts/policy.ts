/**
 * The part of Tencent CAM's policy language (version 2.0) that temporary COS credentials need:
 * `allow` / `deny` statements over COS actions and object resources, with numeric conditions on
 * `cos:content-length`. The sandbox refuses to issue credentials for anything else it would have
 * to guess at (other condition operators or keys), so a policy it accepts is evaluated exactly.
 */

export interface PolicyStatement {
  effect: 'allow' | 'deny';
  action: string[];
  resource: string[];
  condition: Array<{ operator: NumericOperator; key: 'cos:content-length'; values: number[] }>;
}

export interface CosPolicy {
  statement: PolicyStatement[];
}

const NUMERIC = {
  numeric_equal: (a: number, b: number) => a === b,
  numeric_not_equal: (a: number, b: number) => a !== b,
  numeric_less_than: (a: number, b: number) => a < b,
  numeric_less_than_equal: (a: number, b: number) => a <= b,
  numeric_greater_than: (a: number, b: number) => a > b,
  numeric_greater_than_equal: (a: number, b: number) => a >= b,
} as const;
type NumericOperator = keyof typeof NUMERIC;

export class PolicyError extends Error {}

const strings = (value: unknown, field: string): string[] => {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((v) => typeof v === 'string')) {
    throw new PolicyError(`${field} must be a string or a non-empty list of strings`);
  }
  return list as string[];
};

/** Reads a policy document as GetFederationToken receives it; throws PolicyError on anything unsupported. */
export function parsePolicy(document: unknown): CosPolicy {
  const doc = document as { version?: unknown; statement?: unknown } | null;
  if (!doc || typeof doc !== 'object') throw new PolicyError('the policy must be a JSON object');
  if (doc.version !== '2.0') throw new PolicyError('policy version must be "2.0"');
  if (!Array.isArray(doc.statement) || doc.statement.length === 0) {
    throw new PolicyError('the policy needs at least one statement');
  }
  const statement = doc.statement.map((raw: unknown, i: number): PolicyStatement => {
    const s = raw as Record<string, unknown> | null;
    if (!s || typeof s !== 'object') throw new PolicyError(`statement ${i} must be an object`);
    if (s.effect !== 'allow' && s.effect !== 'deny')
      throw new PolicyError(`statement ${i}: effect must be allow or deny`);
    const condition: PolicyStatement['condition'] = [];
    if (s.condition !== undefined) {
      if (!s.condition || typeof s.condition !== 'object') throw new PolicyError(`statement ${i}: bad condition`);
      for (const [operator, keys] of Object.entries(s.condition as Record<string, unknown>)) {
        if (!Object.hasOwn(NUMERIC, operator)) {
          throw new PolicyError(`statement ${i}: condition operator ${operator} is not evaluated by the sandbox`);
        }
        for (const [key, value] of Object.entries((keys ?? {}) as Record<string, unknown>)) {
          if (key !== 'cos:content-length') {
            throw new PolicyError(`statement ${i}: condition key ${key} is not evaluated by the sandbox`);
          }
          const values = Array.isArray(value) ? value : [value];
          if (values.length === 0 || !values.every((v) => typeof v === 'number' && Number.isFinite(v))) {
            throw new PolicyError(`statement ${i}: ${operator} ${key} needs numbers`);
          }
          condition.push({ operator: operator as NumericOperator, key, values: values as number[] });
        }
      }
    }
    return {
      effect: s.effect,
      action: strings(s.action, `statement ${i}: action`),
      resource: strings(s.resource, `statement ${i}: resource`),
      condition,
    };
  });
  return { statement };
}

/** `*` matches any run of characters (CAM's wildcard); everything else literally. */
function glob(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map(escapeRegex).join('.*')}$`, 's');
  return regex.test(value);
}

function escapeRegex(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * `qcs::cos:<region>:uid/<appid>:<bucket>/<key pattern>` (or `*`) against an object of the
 * sandbox's one bucket. The sandbox serves a single region, so the region part is not compared.
 */
function resourceMatches(resource: string, bucket: string, key: string): boolean {
  if (resource === '*') return true;
  const m = /^qcs::cos:[^:]*:uid\/(\d+):([^/]+)\/(.*)$/.exec(resource);
  if (!m) return false;
  const [, appId, resourceBucket, pattern] = m;
  return resourceBucket === bucket && bucket.endsWith(`-${appId}`) && glob(pattern, key);
}

export interface CosRequestFacts {
  /** `name/cos:PutObject`, … */
  action: string;
  bucket: string;
  key: string;
  /** The request's Content-Length header, when it has one. */
  contentLength: number | null;
}

function applies(s: PolicyStatement, req: CosRequestFacts): boolean {
  if (!s.action.some((a) => glob(a, req.action))) return false;
  if (!s.resource.some((r) => resourceMatches(r, req.bucket, req.key))) return false;
  return s.condition.every(({ operator, values }) =>
    // A request without the key the condition names does not satisfy it (fail closed).
    req.contentLength === null ? false : values.some((v) => NUMERIC[operator](req.contentLength as number, v)),
  );
}

/** An explicit deny wins; otherwise some allow statement must cover the request. */
export function isAllowed(policy: CosPolicy, req: CosRequestFacts): boolean {
  const matching = policy.statement.filter((s) => applies(s, req));
  return matching.some((s) => s.effect === 'allow') && !matching.some((s) => s.effect === 'deny');
}
