import { ApiError } from '../api';
import type { Translate } from './i18n';

/**
 * Account forms word a refused input with the account rules (the server names the field in
 * English); other failures are worded like everywhere else (null: the caller's default).
 */
export function accountErrorText(err: unknown, t: Translate): string | null {
  if (err instanceof ApiError && err.code === 'VALIDATION_FAILED') return t('error.accountRules');
  return null;
}
