import { isAllowed, parsePolicy } from '../policy';

const BUCKET = 'aiphoto-1250000000';
const resource = (pattern: string) => `qcs::cos:ap-guangzhou:uid/1250000000:${BUCKET}/${pattern}`;
const put = (key: string, contentLength: number | null = 10) => ({
  action: 'name/cos:PutObject',
  bucket: BUCKET,
  key,
  contentLength,
});

describe('policy evaluation', () => {
  const policy = parsePolicy({
    version: '2.0',
    statement: [
      {
        effect: 'allow',
        action: ['name/cos:PutObject'],
        resource: [resource('input/u1/*')],
        condition: { numeric_less_than_equal: { 'cos:content-length': 100 } },
      },
      { effect: 'deny', action: ['name/cos:*'], resource: [resource('input/u1/private/*')] },
    ],
  });

  it('allows what a statement covers, with its condition met', () => {
    expect(isAllowed(policy, put('input/u1/a.jpg'))).toBe(true);
    expect(isAllowed(policy, put('input/u1/a.jpg', 100))).toBe(true);
  });

  it('refuses other keys, actions, buckets, a condition not met and a request without the conditioned header', () => {
    expect(isAllowed(policy, put('input/u2/a.jpg'))).toBe(false);
    expect(isAllowed(policy, put('input/u1'))).toBe(false);
    expect(isAllowed(policy, { ...put('input/u1/a.jpg'), action: 'name/cos:GetObject' })).toBe(false);
    expect(isAllowed(policy, { ...put('input/u1/a.jpg'), bucket: 'other-1250000000' })).toBe(false);
    expect(isAllowed(policy, put('input/u1/a.jpg', 101))).toBe(false);
    expect(isAllowed(policy, put('input/u1/a.jpg', null))).toBe(false);
  });

  it('lets an explicit deny win over an allow', () => {
    expect(isAllowed(policy, put('input/u1/private/a.jpg'))).toBe(false);
  });

  it('matches * as any characters and nothing else as a pattern', () => {
    const dotted = parsePolicy({
      version: '2.0',
      statement: [{ effect: 'allow', action: 'name/cos:PutObject', resource: resource('input/u.1/*.jpg') }],
    });
    expect(isAllowed(dotted, put('input/u.1/x/y.jpg'))).toBe(true);
    expect(isAllowed(dotted, put('input/uX1/y.jpg'))).toBe(false);
    expect(isAllowed(dotted, put('input/u.1/y.png'))).toBe(false);
  });

  it('refuses to accept what it would have to guess at', () => {
    const base = { effect: 'allow', action: ['name/cos:PutObject'], resource: [resource('*')] };
    expect(() => parsePolicy({ version: '1.0', statement: [base] })).toThrow(/version/);
    expect(() => parsePolicy({ version: '2.0', statement: [] })).toThrow(/statement/);
    expect(() => parsePolicy({ version: '2.0', statement: [{ ...base, effect: 'maybe' }] })).toThrow(/effect/);
    expect(() =>
      parsePolicy({ version: '2.0', statement: [{ ...base, condition: { ip_equal: { 'qcs:ip': ['1.2.3.4'] } } }] }),
    ).toThrow(/ip_equal/);
    expect(() =>
      parsePolicy({
        version: '2.0',
        statement: [{ ...base, condition: { numeric_less_than: { 'cos:content-type': 1 } } }],
      }),
    ).toThrow(/cos:content-type/);
  });
});
