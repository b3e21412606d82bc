import { useEffect, useState } from 'react';

/**
 * A tiny History API router: the backend answers every client route with index.html, so
 * plain paths (`/tasks/<id>`) work on reload without a routing library.
 */
const listeners = new Set<() => void>();

export function navigate(path: string): void {
  if (path === window.location.pathname + window.location.search) return;
  window.history.pushState(null, '', path);
  listeners.forEach((l) => l());
}

export function usePath(): string {
  const [path, setPath] = useState(window.location.pathname);
  useEffect(() => {
    const update = () => setPath(window.location.pathname);
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return path;
}

export type Route = { name: 'workspace' } | { name: 'history' } | { name: 'task'; id: string };

export function matchRoute(path: string): Route {
  const task = /^\/tasks\/([\w-]{1,64})\/?$/.exec(path);
  if (task) return { name: 'task', id: task[1] };
  if (path.startsWith('/tasks')) return { name: 'history' };
  return { name: 'workspace' };
}
