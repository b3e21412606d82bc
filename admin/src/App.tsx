import { LangToggle, useI18n } from './lib/i18n';
import type { MessageKey } from './lib/messages';
import { navigate, useSectionPath } from './lib/router';
import { useAdmin, useSession } from './lib/session';
import { TaskTypesProvider } from './lib/task-types';
import { AccountsPage } from './pages/AccountsPage';
import { DashboardPage } from './pages/DashboardPage';
import { LoginPage } from './pages/LoginPage';
import { OrdersPage } from './pages/OrdersPage';
import { ProductsPage } from './pages/ProductsPage';
import { ScenesPage } from './pages/ScenesPage';
import { SettingsPage } from './pages/SettingsPage';
import { TasksPage } from './pages/TasksPage';
import { UsersPage } from './pages/UsersPage';
import { isSection, sectionsFor, type Section } from './roles';

const LABELS: Record<Section, MessageKey> = {
  dashboard: 'nav.dashboard',
  users: 'nav.users',
  orders: 'nav.orders',
  settings: 'nav.settings',
  accounts: 'nav.accounts',
  tasks: 'nav.tasks',
  scenes: 'nav.scenes',
  products: 'nav.products',
};
const ORDER: Section[] = ['dashboard', 'users', 'tasks', 'orders', 'products', 'scenes', 'settings', 'accounts'];
const PAGES: Record<Section, () => React.JSX.Element> = {
  dashboard: DashboardPage,
  users: UsersPage,
  orders: OrdersPage,
  settings: SettingsPage,
  accounts: AccountsPage,
  tasks: TasksPage,
  scenes: ScenesPage,
  products: ProductsPage,
};

export function App() {
  const { admin, checking, unavailable } = useSession();
  const { t } = useI18n();
  if (checking) return <p className="muted center">{t('common.loading')}</p>;
  if (unavailable) return <Unavailable failure={unavailable} />;
  if (!admin) return <LoginPage />;
  return (
    <TaskTypesProvider>
      <Console />
    </TaskTypesProvider>
  );
}

/**
 * The stored session could not be checked because the service is down, busy (429) or
 * unreachable: say so and offer to try again, instead of dropping to the sign-in page.
 */
function Unavailable({ failure }: { failure: unknown }) {
  const { retry, signOut } = useSession();
  const { t, errorText } = useI18n();
  return (
    <main className="login">
      <div className="card stack login-card" data-testid="unavailable" role="alert">
        <h1>{t('session.unavailableTitle')}</h1>
        <p>{errorText(failure)}</p>
        <div className="row">
          <button type="button" className="primary" onClick={retry} data-testid="unavailable-retry">
            {t('session.retry')}
          </button>
          <button type="button" className="secondary" onClick={signOut}>
            {t('session.signOut')}
          </button>
          <LangToggle />
        </div>
      </div>
    </main>
  );
}

/**
 * Sidebar limited to the role's sections. A section the role may not open (a bookmark, a typed
 * URL) says so instead of loading a page whose API calls would be refused; an unknown path
 * opens the first allowed section.
 */
function Console() {
  const { admin, signOut, n8nEditorUrl } = useAdmin();
  const { t } = useI18n();
  const allowed = ORDER.filter((s) => sectionsFor(admin.role).includes(s));
  const path = useSectionPath();
  const forbidden = isSection(path) && !allowed.includes(path);
  const section = (allowed as string[]).includes(path) ? (path as Section) : allowed[0];
  const Page = forbidden ? NotAllowed : PAGES[section];
  return (
    <div className="console">
      <nav className="sidebar">
        <strong className="brand">{t('brand')}</strong>
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
            {t(LABELS[s])}
          </a>
        ))}
        {n8nEditorUrl && (
          <a href={n8nEditorUrl} target="_blank" rel="noreferrer" data-testid="n8n-link">
            {t('nav.n8n')}
          </a>
        )}
        <span className="who small">
          {t('nav.who', { name: admin.username, role: t(admin.role === 'admin' ? 'role.admin' : 'role.operator') })}
          <button type="button" className="link" onClick={signOut}>
            {t('nav.signOut')}
          </button>
          <LangToggle />
        </span>
      </nav>
      <main className="content">
        <Page />
      </main>
    </div>
  );
}

function NotAllowed() {
  const { t } = useI18n();
  return (
    <div className="card stack" data-testid="not-allowed">
      <h1>{t('notAllowed.title')}</h1>
      <p className="muted">{t('notAllowed.body')}</p>
    </div>
  );
}
