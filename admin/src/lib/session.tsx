import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { AdminApi, ApiError, type Admin } from '../api';

const KEY = 'aiphoto.admin.token';

function stored(): string | null {
  try {
    return window.localStorage.getItem(KEY);
  } catch {
    return null;
  }
}

function store(token: string | null): void {
  try {
    if (token) window.localStorage.setItem(KEY, token);
    else window.localStorage.removeItem(KEY);
  } catch {
    // storage disabled: the session lasts for this page
  }
}

interface Session {
  api: AdminApi;
  admin: Admin | null;
  /** True until a stored token has been checked with /admin/me. */
  checking: boolean;
  /**
   * Why a stored token could not be checked (the network, a 429 or a 5xx): the session is kept
   * and the console says "try again later"; only a 401 signs out.
   */
  unavailable: unknown;
  /** Checks the stored token again (after `unavailable`). */
  retry(): void;
  /** The n8n editor as the server configures it (N8N_EDITOR_URL); null when unset or unknown. */
  n8nEditorUrl: string | null;
  signIn(token: string, admin: Admin): void;
  signOut(): void;
}

const Context = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const token = useRef<string | null>(stored());
  const [admin, setAdmin] = useState<Admin | null>(null);
  const [checking, setChecking] = useState(token.current !== null);
  const [unavailable, setUnavailable] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  const [n8nEditorUrl, setN8nEditorUrl] = useState<string | null>(null);
  const signOut = useCallback(() => {
    token.current = null;
    store(null);
    setAdmin(null);
    setUnavailable(null);
  }, []);
  const api = useMemo(() => new AdminApi(() => token.current, signOut), [signOut]);
  useEffect(() => {
    if (!token.current) return;
    setChecking(true);
    api
      .me()
      .then(
        (who) => {
          setAdmin(who);
          setUnavailable(null);
        },
        (err: unknown) => {
          // A 401 already signed out (the client's onUnauthorized); anything else keeps the token.
          if (!(err instanceof ApiError && err.status === 401)) setUnavailable(err);
        },
      )
      .finally(() => setChecking(false));
  }, [api, attempt]);
  useEffect(() => {
    if (!admin) return;
    api.consoleConfig().then(
      (c) => setN8nEditorUrl(c.n8nEditorUrl),
      () => setN8nEditorUrl(null),
    );
  }, [api, admin]);
  const retry = useCallback(() => setAttempt((n) => n + 1), []);
  const signIn = useCallback((next: string, who: Admin) => {
    token.current = next;
    store(next);
    setAdmin(who);
    setUnavailable(null);
  }, []);
  const value = useMemo(
    () => ({ api, admin, checking, unavailable, retry, n8nEditorUrl, signIn, signOut }),
    [api, admin, checking, unavailable, retry, n8nEditorUrl, signIn, signOut],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useSession(): Session {
  const v = useContext(Context);
  if (!v) throw new Error('useSession outside SessionProvider');
  return v;
}

export function useAdmin(): Session & { admin: Admin } {
  const s = useSession();
  if (!s.admin) throw new Error('useAdmin before login');
  return s as Session & { admin: Admin };
}
