import { lazy, Suspense, useEffect } from 'react';
import { Header } from './components/Header';
import { CatalogProvider } from './lib/catalog';
import { useI18n } from './lib/i18n';
import { matchRoute, usePath } from './lib/router';
import { rememberInvite, takeInvite } from './lib/session';
import { useSession } from './lib/session-context';
import { HistoryPage } from './pages/HistoryPage';
import { LoginPage } from './pages/LoginPage';
import { TaskPage } from './pages/TaskPage';
import { WechatCallbackPage } from './pages/WechatCallbackPage';
import { WorkspacePage } from './pages/WorkspacePage';

// Few merchants open the developer page, so its code is a separate chunk fetched on first visit.
const DeveloperPage = lazy(() => import('./pages/DeveloperPage').then((m) => ({ default: m.DeveloperPage })));
// Bills are read now and then: their pages are one chunk of their own too.
const BillingPage = lazy(() => import('./pages/BillingPage').then((m) => ({ default: m.BillingPage })));
const ReceiptPage = lazy(() => import('./pages/ReceiptPage').then((m) => ({ default: m.ReceiptPage })));
const PayReturnPage = lazy(() => import('./pages/PayReturnPage').then((m) => ({ default: m.PayReturnPage })));
// The account page is visited now and then: a chunk of its own.
const ProfilePage = lazy(() => import('./pages/ProfilePage').then((m) => ({ default: m.ProfilePage })));

rememberInvite();

export function App() {
  const { token, me, api } = useSession();
  const { t } = useI18n();
  const route = matchRoute(usePath());
  // Someone's invite link brought this visitor: enter the code once they are signed in. A code
  // that no longer counts (already a customer, own code) is dropped; 账单 shows the state.
  const signedIn = Boolean(me);
  useEffect(() => {
    const code = signedIn ? takeInvite() : null;
    if (code) api.redeemInvite(code).catch(() => undefined);
  }, [signedIn, api]);
  // Where WeChat sends the browser back: signed in or not (sign-in, or linking from the profile).
  if (route.name === 'wechatLogin') return <WechatCallbackPage />;
  if (!token) return <LoginPage />;
  if (!me) return <p className="center muted">{t('common.loading')}</p>;
  return (
    <CatalogProvider api={api}>
      <Header />
      <main className="page">
        {route.name === 'workspace' && <WorkspacePage />}
        {route.name === 'history' && <HistoryPage />}
        {route.name === 'task' && <TaskPage key={route.id} id={route.id} />}
        <Suspense fallback={<p className="center muted">{t('common.loading')}</p>}>
          {route.name === 'developer' && <DeveloperPage />}
          {route.name === 'billing' && <BillingPage />}
          {route.name === 'receipt' && <ReceiptPage key={route.id} id={route.id} />}
          {route.name === 'payReturn' && <PayReturnPage />}
          {route.name === 'profile' && <ProfilePage />}
        </Suspense>
      </main>
    </CatalogProvider>
  );
}
