import { useEffect, useState } from 'react';
import type { Section } from '../roles';

/** The console lives under /admin; the backend answers every /admin/* path with its index.html. */
export const BASE = '/admin';
const listeners = new Set<() => void>();

export function navigate(section: Section): void {
  window.history.pushState(null, '', `${BASE}/${section}`);
  listeners.forEach((l) => l());
}

export function sectionFromPath(path: string): string {
  return path.slice(BASE.length).split('/').filter(Boolean)[0] ?? '';
}

export function useSectionPath(): string {
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
  return sectionFromPath(path);
}
