import { navigate as go, usePath } from '@shared/router';
import type { Section } from '../roles';

/** The console lives under /admin; the backend answers every /admin/* path with its index.html. */
export const BASE = '/admin';

export function navigate(section: Section): void {
  go(`${BASE}/${section}`);
}

export function sectionFromPath(path: string): string {
  return path.slice(BASE.length).split('/').filter(Boolean)[0] ?? '';
}

export function useSectionPath(): string {
  return sectionFromPath(usePath());
}
