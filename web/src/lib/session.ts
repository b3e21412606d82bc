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
