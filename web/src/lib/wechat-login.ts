/**
 * The portal's half of WeChat QR sign-in: before sending the browser to WeChat it remembers the
 * state it was given (and why: sign-in or linking from the profile) for this tab; on the way back
 * `/login/wechat` accepts only that state. The server also binds the state to this browser (an
 * HttpOnly cookie) and takes it on first use.
 */
const KEY = 'aiphoto.wechat';

export type WechatPurpose = 'sign-in' | 'link';

export function rememberWechatStart(state: string, purpose: WechatPurpose): void {
  try {
    window.sessionStorage.setItem(KEY, JSON.stringify({ state, purpose }));
  } catch {
    // storage disabled: the way back will say the sign-in was not started here
  }
}

/** The remembered start if `state` is it (once: it is forgotten either way). */
export function takeWechatStart(state: string | null): { purpose: WechatPurpose } | null {
  try {
    const raw = window.sessionStorage.getItem(KEY);
    window.sessionStorage.removeItem(KEY);
    const saved = raw ? (JSON.parse(raw) as { state?: unknown; purpose?: unknown }) : null;
    if (!saved || !state || saved.state !== state) return null;
    return { purpose: saved.purpose === 'link' ? 'link' : 'sign-in' };
  } catch {
    return null;
  }
}
