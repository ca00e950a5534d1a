import { useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, get, getOwn, post, setActingAccount, setCsrfToken } from './api';
import { HeaderBalance } from './components/balance';
import { describeError } from './components/ui';
import { FormatContext, localeFor, useFormat } from './format';
import { setLanguage } from './i18n';
import { ForgotPassword, ResetPassword, SignIn, Setup } from './pages/auth';
import { Contacts } from './pages/contacts';
import { Home } from './pages/home';
import { INBOX_CHANGED, Inbox } from './pages/inbox';
import { Lists } from './pages/lists';
import { Sent } from './pages/sent';
import { Settings } from './pages/settings';
import { Sms } from './pages/sms';
import { Link, navigate, useLocation } from './router';
import { SessionContext, type SessionState } from './session';
import { TOOLS } from './tools';
import type { Account, Session } from './types';

const ACTING_KEY = 'herald.acting-account';

type Boot = { kind: 'loading' } | { kind: 'anonymous'; setupNeeded: boolean } | { kind: 'signed-in'; session: Session; acting: Account; subaccounts: Account[] } | { kind: 'failed'; error: unknown };

export function App() {
  const { t } = useTranslation();
  const loc = useLocation();
  const [boot, setBoot] = useState<Boot>({ kind: 'loading' });

  const load = useCallback(async (session?: Session) => {
    try {
      // Who the user is and which subaccounts are theirs are always read as their own
      // account: asked from within a subaccount, Herald answers as that subaccount.
      const s = session ?? (await getOwn<Session>('/v1/auth/session'));
      setCsrfToken(s.csrf_token);
      setLanguage(s.user.locale);
      const subaccounts = s.scopes.includes('account:read') ? (await getOwn<{ data: Account[] }>('/v1/subaccounts')).data : [];
      // The subaccount this tab was acting in is kept only if it is still one of the user's.
      const wanted = sessionStorage.getItem(ACTING_KEY);
      const acting = subaccounts.find((a) => a.id === wanted) ?? s.account;
      if (wanted && acting.id !== wanted) sessionStorage.removeItem(ACTING_KEY);
      setActingAccount(acting.id === s.account.id ? null : acting.id);
      setBoot({ kind: 'signed-in', session: s, acting, subaccounts });
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        setCsrfToken(null);
        const setup = await get<{ needed: boolean }>('/v1/setup').catch(() => ({ needed: false }));
        setBoot({ kind: 'anonymous', setupNeeded: setup.needed });
      } else setBoot({ kind: 'failed', error });
    }
  }, []);

  useEffect(() => {
    void load();
  }, [load]);

  const onSession = useCallback(
    (s: Session) => {
      sessionStorage.removeItem(ACTING_KEY);
      void load(s).then(() => {
        if (['/setup', '/reset-password', '/forgot-password', '/sign-in'].includes(location.pathname)) navigate('/', { replace: true });
      });
    },
    [load],
  );

  const state = useMemo<SessionState | null>(() => {
    if (boot.kind !== 'signed-in') return null;
    const own = boot.session.account;
    return {
      session: boot.session,
      acting: boot.acting,
      subaccounts: boot.subaccounts,
      can: (scope) => boot.session.scopes.includes(scope),
      switchAccount: (id) => {
        const target = boot.subaccounts.find((a) => a.id === id) ?? own;
        if (target.id === own.id) sessionStorage.removeItem(ACTING_KEY);
        else sessionStorage.setItem(ACTING_KEY, target.id);
        setActingAccount(target.id === own.id ? null : target.id);
        setBoot({ ...boot, acting: target });
      },
      refresh: () => load(),
      signOut: async () => {
        await post('/v1/auth/sign-out').catch(() => undefined);
        setCsrfToken(null);
        setActingAccount(null);
        sessionStorage.removeItem(ACTING_KEY);
        setBoot({ kind: 'anonymous', setupNeeded: false });
        navigate('/', { replace: true });
      },
    };
  }, [boot, load]);

  if (loc.path === '/setup') return <Setup onSession={onSession} />;
  if (loc.path === '/reset-password') return <ResetPassword onSession={onSession} />;
  if (boot.kind === 'loading') return <p className="loading" role="status">{t('common.loading')}</p>;
  if (boot.kind === 'failed') return <p className="error-note" role="alert">{describeError(boot.error, t)}</p>;
  if (boot.kind === 'anonymous') {
    if (loc.path === '/forgot-password') return <ForgotPassword />;
    if (boot.setupNeeded)
      return (
        <main className="narrow" id="main">
          <h1>{t('setup.title')}</h1>
          <p>{t('setup.needLink')}</p>
        </main>
      );
    return <SignIn onSession={onSession} />;
  }
  const formats = { locale: localeFor(boot.session.user.locale), timeZone: boot.session.user.timezone ?? boot.acting.timezone, currency: boot.session.account.currency };
  return (
    <SessionContext.Provider value={state}>
      <FormatContext.Provider value={formats}>
        <Shell>{page(loc.path)}</Shell>
      </FormatContext.Provider>
    </SessionContext.Provider>
  );
}

function page(path: string): ReactNode {
  if (path === '/sms') return <Sms />;
  if (path === '/contacts') return <Contacts />;
  if (path === '/lists') return <Lists />;
  if (path === '/sent') return <Sent />;
  if (path === '/inbox') return <Inbox />;
  if (path === '/settings' || path.startsWith('/settings/')) return <Settings section={path.split('/')[2] ?? ''} />;
  return <Home />;
}


function Shell({ children }: { children: ReactNode }) {
  const { t } = useTranslation();
  const { path } = useLocation();
  const s = useSessionOrNull();
  const f = useFormat();
  const [unread, setUnread] = useState(0);
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => {
    setMenuOpen(false);
    get<{ unread: number }>('/v1/inbox/unread-count').then((r) => setUnread(r.unread), () => undefined);
    const follow = (e: Event) => setUnread(Number((e as CustomEvent<number>).detail));
    window.addEventListener(INBOX_CHANGED, follow);
    return () => window.removeEventListener(INBOX_CHANGED, follow);
  }, [path, s?.acting.id]);
  if (!s) return null;
  return (
    <>
      <a className="skip" href="#main">{t('nav.skip')}</a>
      <header className="topbar">
        <Link to="/" className="brand">Herald</Link>
        <button className="menu-toggle" aria-expanded={menuOpen} aria-controls="nav" onClick={() => setMenuOpen(!menuOpen)}>
          {t('nav.menu')}
        </button>
        <nav id="nav" aria-label={t('nav.label')} className={menuOpen ? 'open' : ''}>
          <ul>
            {TOOLS.map((tool) => (
              <li key={tool}>
                <Link to={`/${tool}`} aria-current={path === `/${tool}` || path.startsWith(`/${tool}/`) ? 'page' : undefined}>
                  {t(`tools.${tool}.name`)}
                  {tool === 'inbox' && unread > 0 && <span className="badge"><span aria-hidden="true">{f.number(unread)}</span><span className="sr-only"> ({t('inbox.unreadCount', { count: unread, n: f.number(unread) })})</span></span>}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          {s.can('credit:read') && <HeaderBalance accountId={s.acting.id} />}
          {s.subaccounts.length > 0 && (
            <div className="switcher">
              <label htmlFor="account-switcher">{t('nav.account')}</label>
              <select id="account-switcher" value={s.acting.id} onChange={(e) => s.switchAccount(e.target.value)}>
                <option value={s.session.account.id}>{s.session.account.name}</option>
                {s.subaccounts.map((a) => (
                  <option key={a.id} value={a.id}>{t('nav.subaccount', { name: a.name })}</option>
                ))}
              </select>
            </div>
          )}
          <span className="user">{s.session.user.name}</span>
          <button onClick={() => void s.signOut()}>{t('auth.signOut')}</button>
        </div>
      </header>
      {s.acting.id !== s.session.account.id && (
        <p className="acting" role="status">{t('nav.actingIn', { name: s.acting.name })}</p>
      )}
      <div className="content" key={s.acting.id}>{children}</div>
    </>
  );
}

function useSessionOrNull() {
  return useContext(SessionContext);
}
