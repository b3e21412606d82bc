import { AppError, NotFoundError, PaymentRequiredError } from '../app-error';

describe('app errors', () => {
  it('captures no stack frames for a refusal to charge, and leaves the limit as it was', () => {
    const limit = Error.stackTraceLimit;
    const refusal = new PaymentRequiredError('QUOTA_EXHAUSTED', 'Not enough credits left for this request');
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ status: 402, code: 'QUOTA_EXHAUSTED', name: 'PaymentRequiredError' });
    expect(refusal.stack).toBe('PaymentRequiredError: Not enough credits left for this request');
    expect(Error.stackTraceLimit).toBe(limit);
    // Other errors keep their frames.
    expect(new NotFoundError().stack?.split('\n').length).toBeGreaterThan(1);
  });
});
