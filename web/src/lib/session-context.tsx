import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { ApiClient, type Me } from '../api';
import { LiveTasks } from './live-tasks';
import { loadToken, saveToken } from './session';

interface Session {
  api: ApiClient;
  token: string | null;
  me: Me | null;
  live: LiveTasks | null;
  signIn(token: string, me: Me): void;
  signOut(): void;
  refreshMe(): Promise<void>;
}

const Context = createContext<Session | null>(null);

/** Holds the token, the merchant and the live task feed; a 401 anywhere signs out. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [token, setToken] = useState<string | null>(loadToken);
  const [me, setMe] = useState<Me | null>(null);
  const tokenRef = useRef(token);
  tokenRef.current = token;

  const signOut = useCallback(() => {
    saveToken(null);
    setToken(null);
    setMe(null);
  }, []);
  const api = useMemo(() => new ApiClient(() => tokenRef.current, signOut), [signOut]);

  // Reads may overlap (after a create, after a refund): only the newest answer is shown.
  const meSeq = useRef(0);
  const refreshMe = useCallback(async () => {
    if (!tokenRef.current) return;
    const seq = ++meSeq.current;
    const next = await api.me();
    if (seq === meSeq.current) setMe(next);
  }, [api]);
  // A failed or canceled task was refunded: re-read the balance shown in the header.
  const live = useMemo(
    () =>
      token
        ? new LiveTasks(api, token, (task) => {
            if (task.status !== 'done') refreshMe().catch(() => undefined);
          })
        : null,
    [api, token, refreshMe],
  );

  useEffect(() => {
    live?.start();
    return () => live?.stop();
  }, [live]);

  useEffect(() => {
    if (token && !me) refreshMe().catch(() => undefined); // a 401 already signed out
  }, [token, me, refreshMe]);

  const signIn = useCallback((next: string, user: Me) => {
    saveToken(next);
    tokenRef.current = next;
    setToken(next);
    setMe(user);
  }, []);

  const value = useMemo<Session>(
    () => ({ api, token, me, live, signIn, signOut, refreshMe }),
    [api, token, me, live, signIn, signOut, refreshMe],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useSession(): Session {
  const value = useContext(Context);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

/** For screens that only render after login. */
export function useSignedIn(): Session & { me: Me; live: LiveTasks } {
  const s = useSession();
  if (!s.me || !s.live) throw new Error('useSignedIn before login');
  return s as Session & { me: Me; live: LiveTasks };
}
