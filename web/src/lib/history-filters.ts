import type { TaskStatus } from '../api';

export const STATUSES: TaskStatus[] = ['queued', 'processing', 'done', 'failed', 'canceled'];
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The history's filters, as kept in the URL (`/tasks?fav=1&from=2026-12-01&q=白T恤`). */
export interface HistoryFilters {
  type: string;
  status: TaskStatus | '';
  favorites: boolean;
  /** Local calendar days, both included (`YYYY-MM-DD`), or ''. */
  from: string;
  to: string;
  /** Part of the uploaded file's name. */
  q: string;
}

export function parseFilters(search: string): HistoryFilters {
  const p = new URLSearchParams(search);
  const status = p.get('status') ?? '';
  const day = (v: string | null) => (v && DAY.test(v) ? v : '');
  return {
    type: p.get('type') ?? '',
    status: (STATUSES as string[]).includes(status) ? (status as TaskStatus) : '',
    favorites: p.get('fav') === '1',
    from: day(p.get('from')),
    to: day(p.get('to')),
    q: (p.get('q') ?? '').slice(0, 100),
  };
}

export function filtersToSearch(f: HistoryFilters): string {
  const p = new URLSearchParams();
  if (f.favorites) p.set('fav', '1');
  if (f.type) p.set('type', f.type);
  if (f.status) p.set('status', f.status);
  if (f.from) p.set('from', f.from);
  if (f.to) p.set('to', f.to);
  if (f.q.trim()) p.set('q', f.q.trim());
  const s = p.toString();
  return s ? `?${s}` : '';
}

/** Local midnight of a `YYYY-MM-DD` day, `days` later, as an ISO instant for the API. */
export function dayStart(day: string, days = 0): string {
  const [y, m, d] = day.split('-').map(Number);
  return new Date(y, m - 1, d + days).toISOString();
}
