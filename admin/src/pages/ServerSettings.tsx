import { useState, type FormEvent } from 'react';
import type { Setting } from '../api';
import { yuan } from '../format';
import { useSession } from '../lib/session';
import { useLoad } from '../lib/use-load';

/** How the console shows the settings it knows; an unknown key still appears, as a plain number. */
const FIELDS: Record<string, { label: string; unit: string; fen?: true }> = {
  'plan.price_fen': { label: '会员价格', unit: '元', fen: true },
  'plan.monthly_quota': { label: '每期额度', unit: '点' },
  'plan.days': { label: '会员有效天数', unit: '天' },
  'sms.per_phone_per_day': { label: '每个手机号每日验证码上限', unit: '条' },
  'sms.daily_budget': { label: '全站每日验证码总量', unit: '条' },
  'pack.valid_days': { label: '加油包额度有效期', unit: '天' },
  'checkin.credits': { label: '每日签到奖励（0 关闭）', unit: '点' },
  'invite.inviter_credits': { label: '邀请人奖励', unit: '点' },
  'invite.invitee_credits': { label: '被邀请人奖励', unit: '点' },
  'invite.valid_days': { label: '邀请奖励有效期', unit: '天' },
  'invite.max_rewards': { label: '每人最多邀请奖励次数', unit: '次' },
};

const fieldOf = (key: string) => FIELDS[key] ?? { label: key, unit: '' };

/** The input's text for a stored value: prices are typed in yuan, everything else as is. */
function toInput(s: Setting): string {
  return fieldOf(s.key).fen ? (s.value / 100).toFixed(2) : String(s.value);
}

function shown(key: string, value: number): string {
  const f = fieldOf(key);
  return f.fen ? yuan(value) : `${value}${f.unit ? ` ${f.unit}` : ''}`;
}

/** Runtime settings from `/admin/settings`: each one saved on its own, or reset to its env default. */
export function ServerSettings() {
  const { api } = useSession();
  const { data, error, setData } = useLoad(() => api.settings(), [api]);
  const replace = (next: Setting) =>
    setData((d) => d && { items: d.items.map((s) => (s.key === next.key ? next : s)) });
  return (
    <section className="card stack" data-testid="server-settings">
      <h2>服务端设置</h2>
      <p className="muted small">保存后立即生效，覆盖 .env 中的默认值；「恢复默认」删除覆盖。</p>
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
  const field = fieldOf(setting.key);
  const [text, setText] = useState(toInput(setting));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const send = async (value: number | null) => {
    setBusy(true);
    setError(null);
    try {
      onSaved(await api.setSetting(setting.key, value));
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  const save = (e: FormEvent) => {
    e.preventDefault();
    const n = Number(text);
    if (!text.trim() || !Number.isFinite(n)) return setError('请输入数字');
    void send(field.fen ? Math.round(n * 100) : n);
  };

  return (
    <form className="setting" onSubmit={save} data-testid="setting" data-key={setting.key}>
      <div className="stack tight">
        <strong>{field.label}</strong>
        <span className="muted small">{setting.description}</span>
        <span className="small">
          当前 <span data-testid="setting-value">{shown(setting.key, setting.value)}</span>
          {setting.overridden ? <span className="badge warn">已覆盖</span> : <span className="badge">默认</span>}
          <span className="muted">（默认 {shown(setting.key, setting.defaultValue)}）</span>
        </span>
      </div>
      <div className="row wrap">
        <label className="row small">
          <input
            name={setting.key}
            type="number"
            inputMode="decimal"
            step={field.fen ? '0.01' : '1'}
            min="0"
            value={text}
            onChange={(e) => setText(e.target.value)}
            aria-label={field.label}
          />
          {field.unit}
        </label>
        <button type="submit" className="primary" disabled={busy}>
          保存
        </button>
        {setting.overridden && (
          <button type="button" className="secondary" disabled={busy} onClick={() => void send(null)}>
            恢复默认
          </button>
        )}
      </div>
      {error && <p className="error small">{error}</p>}
    </form>
  );
}
