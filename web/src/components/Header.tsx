import { useI18n } from '../lib/i18n';
import { matchRoute, navigate, usePath } from '../lib/router';
import { useSignedIn } from '../lib/session-context';
import { Avatar } from './Avatar';
import { LangToggle } from './LangToggle';

export function Header() {
  const { me, signOut } = useSignedIn();
  const { t } = useI18n();
  const route = matchRoute(usePath());
  const link = (path: string, label: string, active: boolean) => (
    <a
      href={path}
      className={active ? 'nav-link active' : 'nav-link'}
      onClick={(e) => {
        e.preventDefault();
        navigate(path);
      }}
    >
      {label}
    </a>
  );
  return (
    <header className="topbar">
      <span className="brand">{t('brand')}</span>
      <nav className="nav">
        {link('/', t('nav.workspace'), route.name === 'workspace')}
        {link('/tasks', t('nav.history'), route.name === 'history' || route.name === 'task')}
        {link('/billing', t('nav.billing'), ['billing', 'receipt', 'payReturn'].includes(route.name))}
        {link('/developer', t('nav.developer'), route.name === 'developer')}
      </nav>
      <span className="topbar-end">
        <span className="credits" data-testid="header-credits">
          {t('common.credits', { n: me.quotaRemaining })}
        </span>
        <a
          href="/profile"
          className={route.name === 'profile' ? 'nav-link profile-link active' : 'nav-link profile-link'}
          data-testid="nav-profile"
          onClick={(e) => {
            e.preventDefault();
            navigate('/profile');
          }}
        >
          <Avatar me={me} />
          <span>{me.nickname || t('nav.profile')}</span>
        </a>
        <LangToggle />
        <button type="button" className="link" onClick={signOut}>
          {t('nav.logout')}
        </button>
      </span>
    </header>
  );
}
