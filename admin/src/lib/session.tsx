import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { AdminApi, type Admin } from '../api';

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
  signIn(token: string, admin: Admin): void;
  signOut(): void;
}

const Context = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const token = useRef<string | null>(stored());
  const [admin, setAdmin] = useState<Admin | null>(null);
  const [checking, setChecking] = useState(token.current !== null);
  const signOut = useCallback(() => {
    token.current = null;
    store(null);
    setAdmin(null);
  }, []);
  const api = useMemo(() => new AdminApi(() => token.current, signOut), [signOut]);
  useEffect(() => {
    if (!token.current) return;
    api
      .me()
      .then(setAdmin, () => undefined)
      .finally(() => setChecking(false));
  }, [api]);
  const signIn = useCallback((next: string, who: Admin) => {
    token.current = next;
    store(next);
    setAdmin(who);
  }, []);
  const value = useMemo(() => ({ api, admin, checking, signIn, signOut }), [api, admin, checking, signIn, signOut]);
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
