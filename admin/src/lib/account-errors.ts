import { ApiError } from '../api';

/** Console wording for the account and sign-in codes a person can act on; anything else keeps the server's message. */
const TEXT: Record<string, string> = {
  ACCOUNT_DISABLED: '该账号已停用，请联系管理员',
  INVALID_CREDENTIALS: '用户名或密码错误',
  USERNAME_TAKEN: '用户名已被占用',
  LAST_ADMIN: '至少要保留一个启用的管理员',
  CANNOT_DISABLE_SELF: '不能停用自己的账号',
  VALIDATION_FAILED: '输入不符合要求：用户名 3–64 位字母、数字或 . _ -；密码至少 10 位，含字母和数字',
};

export function accountErrorText(err: unknown): string {
  if (err instanceof ApiError) return TEXT[err.code] ?? err.message;
  return err instanceof Error ? err.message : String(err);
}
