/**
 * Where the n8n editor is. Build-time `VITE_N8N_EDITOR_URL` wins; otherwise n8n's default port
 * on the console's host. Operators can override it per browser (the settings page), because the
 * embedded stack may run n8n on another port and there is no settings API for it.
 */
const KEY = 'aiphoto.admin.n8nUrl';

export function defaultN8nUrl(host = window.location.hostname): string {
  return import.meta.env.VITE_N8N_EDITOR_URL || `http://${host || '127.0.0.1'}:5678`;
}

export function n8nUrl(): string {
  try {
    return window.localStorage.getItem(KEY) || defaultN8nUrl();
  } catch {
    return defaultN8nUrl();
  }
}

export function setN8nUrl(url: string): void {
  try {
    if (url) window.localStorage.setItem(KEY, url);
    else window.localStorage.removeItem(KEY);
  } catch {
    // storage disabled: the default applies
  }
}
