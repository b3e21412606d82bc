import { n8nUrl } from './lib/n8n-url';
import { navigate, useSectionPath } from './lib/router';
import { useAdmin, useSession } from './lib/session';
import { AccountsPage } from './pages/AccountsPage';
import { DashboardPage } from './pages/DashboardPage';
import { LoginPage } from './pages/LoginPage';
import { OrdersPage } from './pages/OrdersPage';
import { ScenesPage } from './pages/ScenesPage';
import { SettingsPage } from './pages/SettingsPage';
import { TasksPage } from './pages/TasksPage';
import { UsersPage } from './pages/UsersPage';
import { isSection, sectionsFor, type Section } from './roles';

const LABELS: Record<Section, string> = {
  dashboard: '概览',
  users: '用户',
  orders: '订单',
  settings: '设置',
  accounts: '账号',
  tasks: '任务',
  scenes: '场景',
};
const ORDER: Section[] = ['dashboard', 'users', 'tasks', 'orders', 'scenes', 'settings', 'accounts'];
const PAGES: Record<Section, () => React.JSX.Element> = {
  dashboard: DashboardPage,
  users: UsersPage,
  orders: OrdersPage,
  settings: SettingsPage,
  accounts: AccountsPage,
  tasks: TasksPage,
  scenes: ScenesPage,
};

export function App() {
  const { admin, checking } = useSession();
  if (checking) return <p className="muted center">加载中…</p>;
  if (!admin) return <LoginPage />;
  return <Console />;
}

/**
 * Sidebar limited to the role's sections. A section the role may not open (a bookmark, a typed
 * URL) says so instead of loading a page whose API calls would be refused; an unknown path
 * opens the first allowed section.
 */
function Console() {
  const { admin, signOut } = useAdmin();
  const allowed = ORDER.filter((s) => sectionsFor(admin.role).includes(s));
  const path = useSectionPath();
  const forbidden = isSection(path) && !allowed.includes(path);
  const section = (allowed as string[]).includes(path) ? (path as Section) : allowed[0];
  const Page = forbidden ? NotAllowed : PAGES[section];
  return (
    <div className="console">
      <nav className="sidebar">
        <strong className="brand">AI Photo 后台</strong>
        {allowed.map((s) => (
          <a
            key={s}
            href={`/admin/${s}`}
            className={s === section && !forbidden ? 'active' : ''}
            onClick={(e) => {
              e.preventDefault();
              navigate(s);
            }}
          >
            {LABELS[s]}
          </a>
        ))}
        <a href={n8nUrl()} target="_blank" rel="noreferrer" data-testid="n8n-link">
          n8n 工作流 ↗
        </a>
        <span className="who small">
          {admin.username}（{admin.role === 'admin' ? '管理员' : '运营'}）
          <button type="button" className="link" onClick={signOut}>
            退出
          </button>
        </span>
      </nav>
      <main className="content">
        <Page />
      </main>
    </div>
  );
}

function NotAllowed() {
  return (
    <div className="card stack" data-testid="not-allowed">
      <h1>无权访问</h1>
      <p className="muted">当前账号的角色不能打开这个页面，请从左侧菜单选择。</p>
    </div>
  );
}
