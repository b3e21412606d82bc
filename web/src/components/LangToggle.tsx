import { useI18n } from '../lib/i18n';

export function LangToggle() {
  const { lang, setLang, t } = useI18n();
  return (
    <button
      type="button"
      className="link"
      onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
      data-testid="lang-toggle"
    >
      {t('nav.lang')}
    </button>
  );
}
