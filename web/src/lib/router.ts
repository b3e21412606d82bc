export { navigate, usePath, useSearch } from '../common/router';

export type Route =
  | { name: 'workspace' }
  | { name: 'history' }
  | { name: 'task'; id: string }
  | { name: 'developer' }
  | { name: 'billing' }
  | { name: 'receipt'; id: string }
  | { name: 'payReturn' }
  | { name: 'profile' }
  | { name: 'wechatLogin' };

export function matchRoute(path: string): Route {
  const receipt = /^\/billing\/orders\/([\w-]{1,64})\/?$/.exec(path);
  if (receipt) return { name: 'receipt', id: receipt[1] };
  if (/^\/billing\/return\/?$/.test(path)) return { name: 'payReturn' };
  if (/^\/billing\/?$/.test(path)) return { name: 'billing' };
  const task = /^\/tasks\/([\w-]{1,64})\/?$/.exec(path);
  if (task) return { name: 'task', id: task[1] };
  if (path.startsWith('/tasks')) return { name: 'history' };
  if (/^\/developer\/?$/.test(path)) return { name: 'developer' };
  if (/^\/profile\/?$/.test(path)) return { name: 'profile' };
  if (/^\/login\/wechat\/?$/.test(path)) return { name: 'wechatLogin' };
  return { name: 'workspace' };
}
