import { ApiError } from '../api';
import { describeError } from '../lib/i18n';
import { translate } from '../lib/messages';
import { accountErrorKey } from '../lib/messages-account';
import { matchRoute } from '../lib/router';
import { rememberWechatStart, takeWechatStart } from '../lib/wechat-login';

/** The little of sessionStorage the WeChat helpers use, for node. */
function fakeSessionStorage(): Map<string, string> {
  const store = new Map<string, string>();
  (globalThis as unknown as { window: unknown }).window = {
    sessionStorage: {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => void store.set(k, v),
      removeItem: (k: string) => void store.delete(k),
    },
  };
  return store;
}

describe('WeChat sign-in in the portal', () => {
  afterEach(() => {
    delete (globalThis as unknown as { window?: unknown }).window;
  });

  it('accepts only the state this tab started with, once', () => {
    const store = fakeSessionStorage();
    rememberWechatStart('a'.repeat(32), 'link');
    expect(takeWechatStart('b'.repeat(32))).toBeNull();
    // Forgotten even after a wrong state: a second try cannot reuse it.
    expect(takeWechatStart('a'.repeat(32))).toBeNull();
    rememberWechatStart('c'.repeat(32), 'sign-in');
    expect(takeWechatStart('c'.repeat(32))).toEqual({ purpose: 'sign-in' });
    expect(store.size).toBe(0);
    expect(takeWechatStart(null)).toBeNull();
  });

  it('routes the way back from WeChat and the account page', () => {
    expect(matchRoute('/login/wechat')).toEqual({ name: 'wechatLogin' });
    expect(matchRoute('/profile')).toEqual({ name: 'profile' });
  });

  it('says account errors in the merchant language, and leaves other codes alone', () => {
    for (const lang of ['zh', 'en'] as const) {
      const t = (key: Parameters<typeof translate>[1], vars?: Record<string, string | number>) =>
        translate(lang, key, vars);
      for (const code of ['INVALID_CODE', 'PHONE_TAKEN', 'WECHAT_TAKEN', 'WECHAT_STATE_INVALID', 'SESSION_ENDED']) {
        const key = accountErrorKey(code);
        expect(key).not.toBeNull();
        expect(describeError(new ApiError(400, code, 'server text'), t)).toBe(translate(lang, key!));
      }
    }
    expect(accountErrorKey('NOT_FOUND')).toBeNull();
  });
});
