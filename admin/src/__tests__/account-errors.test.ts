import { ApiError } from '../api';
import { accountErrorText } from '../lib/account-errors';

describe('accountErrorText', () => {
  it('says account problems in the console language', () => {
    expect(
      accountErrorText(new ApiError(409, 'LAST_ADMIN', 'The last active admin cannot be demoted or disabled')),
    ).toBe('至少要保留一个启用的管理员');
    expect(accountErrorText(new ApiError(401, 'ACCOUNT_DISABLED', 'This console account is disabled'))).toContain(
      '已停用',
    );
  });

  it('keeps the server message for other codes and plain errors', () => {
    expect(accountErrorText(new ApiError(500, 'INTERNAL', 'boom'))).toBe('boom');
    expect(accountErrorText(new Error('offline'))).toBe('offline');
  });
});
