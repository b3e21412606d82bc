import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { ApiError } from '../api';
import { automationErrorKey } from './developer';
import { isErrorCode } from './error-codes';
import { accountErrorKey } from './messages-account';
import { translate, type Lang, type MessageKey } from './messages';

const KEY = 'aiphoto.lang';

interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  /** Turns any thrown value into a sentence for the merchant. */
  errorText(err: unknown): string;
}

const Context = createContext<I18n | null>(null);

function initialLang(): Lang {
  try {
    return window.localStorage.getItem(KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
    try {
      window.localStorage.setItem(KEY, next);
    } catch {
      // the choice lasts for this page only
    }
  }, []);
  const value = useMemo<I18n>(() => {
    const t = (key: MessageKey, vars?: Record<string, string | number>) => translate(lang, key, vars);
    return { lang, setLang, t, errorText: (err) => describeError(err, t) };
  }, [lang, setLang]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(Context);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}

type T = I18n['t'];

export function describeError(err: unknown, t: T): string {
  if (err instanceof ApiError) {
    if (err.status === 0) return t('error.network');
    // SMS guards: a country not served, or sending paused for everyone (not the user's doing).
    if (err.code === 'SMS_COUNTRY_NOT_ALLOWED') return t('error.SMS_COUNTRY_NOT_ALLOWED');
    if (err.code === 'SMS_BUDGET_EXHAUSTED') return t('error.SMS_BUDGET_EXHAUSTED');
    if (err.status === 429) return t('error.rateLimited', { s: err.retryAfterSeconds ?? 60 });
    if (err.code === 'QUOTA_EXHAUSTED') return t('error.QUOTA_EXHAUSTED');
    if (err.code === 'MEMBERSHIP_REQUIRED') return t('error.MEMBERSHIP_REQUIRED');
    // Sign-in codes, phone change and WeChat: said in the merchant's language.
    const account = accountErrorKey(err.code);
    if (account) return t(account);
    // Uploads refused for the file itself, or for a busy server: say what to do, keep the code.
    for (const code of ['IMAGE_CORRUPT', 'IMAGE_TOO_MANY_PIXELS', 'PAYLOAD_TOO_LARGE', 'UPLOADS_BUSY'] as const) {
      if (err.code === code) return `${t(`error.${code}`)} (${code})`;
    }
    // Limits and the private-address refusal say what to do; the code stays visible for support.
    const automation = automationErrorKey(err);
    if (automation) return `${t(automation)} (${err.code})`;
    // Every code the backend answers has a sentence in both languages: never the server's English.
    if (isErrorCode(err.code)) return `${t(`code.${err.code}`)} (${err.code})`;
    // A code this build does not know (a newer server): its message, with the code for support.
    return t('error.generic', { message: `${err.message} (${err.code})` });
  }
  return t('error.generic', { message: err instanceof Error ? err.message : String(err) });
}
