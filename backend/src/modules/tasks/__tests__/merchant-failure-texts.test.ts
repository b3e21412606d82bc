import { FAILURE_KINDS, failureFromReport, failureKindOf, MERCHANT_FAILURE_MESSAGES } from '../task-failure';

const VENDOR_WORDS = /tencent|腾讯|runninghub|\bcos\b|\bci\b|n8n|output\/|input\/|bucket/i;

describe('merchant failure texts', () => {
  it('name no vendor and no storage path', () => {
    for (const text of Object.values(MERCHANT_FAILURE_MESSAGES)) expect(text).not.toMatch(VENDOR_WORDS);
  });

  it('classify every merchant code as the photo’s or the service’s fault', () => {
    expect(Object.keys(FAILURE_KINDS).sort()).toEqual(Object.keys(MERCHANT_FAILURE_MESSAGES).sort());
    expect(failureKindOf('CONTENT_REJECTED')).toBe('photo');
    expect(failureKindOf('VENDOR_FAILED')).toBe('photo');
    expect(failureKindOf('TIMEOUT')).toBe('service');
    expect(failureKindOf('SOMETHING_OLD')).toBe('service');
    expect(failureKindOf(null)).toBeNull();
  });

  it('keep a vendor report for admins only', () => {
    const failure = failureFromReport({ code: 'VENDOR_ERROR', message: 'Tencent CI: cos://bucket/input/u/x.jpg 500' });
    expect(failure.code).toBe('GENERATION_FAILED');
    expect(failure.reason).not.toMatch(VENDOR_WORDS);
    expect(failure.detail).toMatch(/Tencent CI/);
  });
});
