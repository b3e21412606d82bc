import type { AppContext } from './app-context';

/**
 * The text shown once to the person who started the backend, on their terminal (never through
 * the logger, whose output may be collected into files): today, the generated first console
 * password. Null when there is nothing to say.
 */
export function firstStartNotice(firstStart: AppContext['firstStart'], consoleUrl: string): string | null {
  const admin = firstStart.adminCredentials;
  if (!admin) return null;
  return [
    `First console account created: ${admin.username} / ${admin.password}`,
    `This password is shown only now. Sign in at ${consoleUrl} and keep it safe; another admin can reset it`,
    'under 账号 (Accounts). Set ADMIN_BOOTSTRAP_PASSWORD before the first start to choose it yourself.',
  ].join('\n');
}
