import { useState, type FormEvent } from 'react';
import { defaultN8nUrl, n8nUrl, setN8nUrl } from '../lib/n8n-url';
import { CreditPacksSettings } from './CreditPacksSettings';
import { ServerSettings } from './ServerSettings';

/** Server settings (plan, packs, check-in, invites), the credit packs on sale and this browser's n8n editor URL. */
export function SettingsPage() {
  const [url, setUrl] = useState(n8nUrl());
  const [saved, setSaved] = useState(false);
  const save = (e: FormEvent) => {
    e.preventDefault();
    setN8nUrl(url.trim() === defaultN8nUrl() ? '' : url.trim());
    setSaved(true);
  };
  return (
    <div className="stack" data-testid="settings">
      <h1>设置</h1>
      <ServerSettings />
      <CreditPacksSettings />
      <form className="card stack" onSubmit={save}>
        <h2>n8n 编辑器地址</h2>
        <p className="muted small">侧栏的「n8n 工作流」链接指向这里（仅保存在本浏览器）。默认 {defaultN8nUrl()}。</p>
        <div className="row wrap">
          <input
            className="grow"
            type="url"
            value={url}
            onChange={(e) => {
              setUrl(e.target.value);
              setSaved(false);
            }}
          />
          <button type="submit" className="primary">
            保存
          </button>
        </div>
        {saved && <p className="ok small">已保存</p>}
      </form>
    </div>
  );
}
