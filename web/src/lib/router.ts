export { navigate, usePath } from '../shared/router';

export type Route = { name: 'workspace' } | { name: 'history' } | { name: 'task'; id: string } | { name: 'developer' };

export function matchRoute(path: string): Route {
  const task = /^\/tasks\/([\w-]{1,64})\/?$/.exec(path);
  if (task) return { name: 'task', id: task[1] };
  if (path.startsWith('/tasks')) return { name: 'history' };
  if (/^\/developer\/?$/.test(path)) return { name: 'developer' };
  return { name: 'workspace' };
}
