import { useState, type FormEvent } from 'react';
import type { Setting } from '../api';
import { yuan } from '../format';
import { useI18n, type Translate } from '../lib/i18n';
import { knownKey, type MessageKey } from '../lib/messages';
import { useSession } from '../lib/session';
import { useLoad } from '../lib/use-load';

type Unit = 'yuan' | 'credits' | 'days' | 'messages' | 'times';

/** The unit of each setting the console knows; money is typed and shown in yuan, stored in fen. */
const UNITS: Record<string, Unit> = {
  'plan.price_fen': 'yuan',
  'plan.monthly_quota': 'credits',
  'plan.days': 'days',
  'sms.per_phone_per_day': 'messages',
  'sms.daily_budget': 'messages',
  'pack.valid_days': 'days',
  'checkin.credits': 'credits',
  'invite.inviter_credits': 'credits',
  'invite.invitee_credits': 'credits',
  'invite.valid_days': 'days',
  'invite.max_rewards': 'times',
};

/** Settings that are a switch (1 on, 0 off): chosen from on/off, shown as such. */
const SWITCHES = new Set(['audit.enabled']);

const unitKey = (unit: Unit): MessageKey => `unit.${unit}`;

/** Label and help in the console's language; an unknown key shows as sent, with the server's help. */
function textsOf(t: Translate, s: Setting) {
  const name = knownKey(`setting.${s.key}`);
  const help = knownKey(`setting.${s.key}.help`);
  const unit = UNITS[s.key];
  return {
    name: name ? t(name) : s.key,
    help: help ? t(help) : s.description,
    unit: unit ? t(unitKey(unit)) : '',
    yuan: unit === 'yuan',
    switch: SWITCHES.has(s.key),
  };
}

/** Runtime settings from `/admin/settings`: each one saved on its own, or reset to its env default. */
export function ServerSettings() {
  const { api } = useSession();
  const { t } = useI18n();
  const { data, error, setData } = useLoad(() => api.settings(), [api]);
  const replace = (next: Setting) =>
    setData((d) => d && { items: d.items.map((s) => (s.key === next.key ? next : s)) });
  return (
    <section className="card stack" data-testid="server-settings">
      <h2>{t('settings.server')}</h2>
      <p className="muted small">{t('settings.serverHelp')}</p>
      {error && <p className="error">{error}</p>}
      {/* Keyed by value too: a saved or reset row starts again from what the server stored. */}
      {data?.items.map((s) => (
        <SettingRow key={`${s.key}:${s.value}`} setting={s} onSaved={replace} />
      ))}
    </section>
  );
}

function SettingRow({ setting, onSaved }: { setting: Setting; onSaved: (s: Setting) => void }) {
  const { api } = useSession();
  const { t, errorText } = useI18n();
  const field = textsOf(t, setting);
  const [text, setText] = useState(field.yuan ? (setting.value / 100).toFixed(2) : String(setting.value));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const shown = (value: number) =>
    field.switch
      ? t(value === 1 ? 'settings.on' : 'settings.off')
      : field.yuan
        ? yuan(value)
        : `${value}${field.unit ? ` ${field.unit}` : ''}`;

  const send = async (value: number | null) => {
    setBusy(true);
    setError(null);
    try {
      onSaved(await api.setSetting(setting.key, value));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };
  const save = (e: FormEvent) => {
    e.preventDefault();
    const n = Number(text);
    if (!text.trim() || !Number.isFinite(n)) return setError(t('settings.notNumber'));
    void send(field.yuan ? Math.round(n * 100) : n);
  };

  return (
    <form className="setting" onSubmit={save} data-testid="setting" data-key={setting.key}>
      <div className="stack tight">
        <strong>{field.unit ? t('settings.withUnit', { name: field.name, unit: field.unit }) : field.name}</strong>
        <span className="muted small">{field.help}</span>
        <span className="small">
          {t('settings.current')} <span data-testid="setting-value">{shown(setting.value)}</span>
          {setting.overridden ? (
            <span className="badge warn">{t('settings.overridden')}</span>
          ) : (
            <span className="badge">{t('settings.default')}</span>
          )}
          <span className="muted">{t('settings.defaultIs', { value: shown(setting.defaultValue) })}</span>
        </span>
      </div>
      <div className="row wrap">
        <label className="row small">
          {field.switch ? (
            <select name={setting.key} value={text} onChange={(e) => setText(e.target.value)} aria-label={field.name}>
              <option value="1">{t('settings.on')}</option>
              <option value="0">{t('settings.off')}</option>
            </select>
          ) : (
            <input
              name={setting.key}
              type="number"
              inputMode="decimal"
              step={field.yuan ? '0.01' : '1'}
              min="0"
              value={text}
              onChange={(e) => setText(e.target.value)}
              aria-label={field.name}
            />
          )}
          <span data-testid="setting-unit">{field.unit}</span>
        </label>
        <button type="submit" className="primary" disabled={busy}>
          {t('common.save')}
        </button>
        {setting.overridden && (
          <button type="button" className="secondary" disabled={busy} onClick={() => void send(null)}>
            {t('settings.reset')}
          </button>
        )}
      </div>
      {error && <p className="error small">{error}</p>}
    </form>
  );
}
