/** The merchant token lives in localStorage so a reload keeps the session (7-day JWT). */
const KEY = 'aiphoto.token';

export function loadToken(): string | null {
  try {
    return window.localStorage.getItem(KEY);
  } catch {
    return null; // storage disabled (private mode): the session lasts for the page only
  }
}

export function saveToken(token: string | null): void {
  try {
    if (token) window.localStorage.setItem(KEY, token);
    else window.localStorage.removeItem(KEY);
  } catch {
    // see loadToken
  }
}

const INVITE = 'aiphoto.invite';

/** An invite link (`/?invite=CODE`) is remembered until the visitor has signed in. */
export function rememberInvite(search = window.location.search): void {
  const code = new URLSearchParams(search).get('invite');
  try {
    if (code && /^[A-Za-z0-9]{4,16}$/.test(code)) window.sessionStorage.setItem(INVITE, code.toUpperCase());
  } catch {
    // storage disabled: the merchant can still type the code on 账单
  }
}

/** The remembered invite code, once. */
export function takeInvite(): string | null {
  try {
    const code = window.sessionStorage.getItem(INVITE);
    window.sessionStorage.removeItem(INVITE);
    return code;
  } catch {
    return null;
  }
}
