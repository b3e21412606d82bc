import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { ApiError } from '../api';
import { knownKey, translate, type Lang, type MessageKey } from './messages';

const KEY = 'aiphoto.admin.lang';

export type Translate = (key: MessageKey, vars?: Record<string, string | number>) => string;

export interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t: Translate;
  /** Any thrown value as a sentence in the console's language (never a silent failure). */
  errorText(err: unknown): string;
  /** A date and time in the console's language; '—' for none. */
  dateTime(iso: string | null): string;
}

const Context = createContext<I18n | null>(null);

function initialLang(): Lang {
  try {
    return window.localStorage.getItem(KEY) === 'en' ? 'en' : 'zh';
  } catch {
    return 'zh';
  }
}

/**
 * What a failed call tells an admin: the network, a rate limit or a server fault each say
 * "try again" in words (never a sign-out: only a 401 ends the session); a code the console
 * knows has its own sentence; anything else keeps the server's message with its code.
 */
export function describeError(err: unknown, t: Translate): string {
  if (err instanceof ApiError) {
    if (err.status === 0) return t('error.network');
    const known = knownKey(`error.${err.code}`);
    if (err.code === 'VALIDATION_FAILED') return t('error.VALIDATION_FAILED', { message: err.message });
    if (known) return t(known);
    if (err.status === 429) return t('error.rateLimited', { s: err.retryAfterSeconds ?? 60 });
    if (err.status >= 500) return t('error.unavailable', { status: err.status });
    return t('error.generic', { message: `${err.message} (${err.code})` });
  }
  // Not from the server: a check of the console's own (already worded) or an unexpected fault.
  return err instanceof Error && err.message ? err.message : t('error.generic', { message: String(err) });
}

export function formatDateTime(lang: Lang, iso: string | null): string {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(lang === 'zh' ? 'zh-CN' : 'en-GB', { hour12: false });
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<Lang>(initialLang);
  const setLang = useCallback((next: Lang) => {
    setLangState(next);
    try {
      window.localStorage.setItem(KEY, next);
    } catch {
      // the choice lasts for this page only
    }
  }, []);
  const value = useMemo<I18n>(() => {
    document.documentElement.lang = lang === 'zh' ? 'zh-CN' : 'en';
    const t: Translate = (key, vars) => translate(lang, key, vars);
    return {
      lang,
      setLang,
      t,
      errorText: (err) => describeError(err, t),
      dateTime: (iso) => formatDateTime(lang, iso),
    };
  }, [lang, setLang]);
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(Context);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}

/** `task.status.done` → 已完成 / Done; a status this build does not know shows as sent. */
export function label(t: Translate, prefix: string, code: string): string {
  const key = knownKey(`${prefix}.${code}`);
  return key ? t(key) : code;
}

/** The language switch (a button, so the sidebar's links stay the sections). */
export function LangToggle() {
  const { lang, setLang, t } = useI18n();
  return (
    <button
      type="button"
      className="link"
      data-testid="lang-toggle"
      onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
    >
      {t('lang.switch')}
    </button>
  );
}
