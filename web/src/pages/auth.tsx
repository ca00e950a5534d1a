import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, get, post } from '../api';
import { ErrorNote, Field, PageHeader, splitError, Status } from '../components/ui';
import { Link, useLocation } from '../router';
import type { Session } from '../types';

type OnSession = (session: Session) => void;

export function SignIn({ onSession }: { onSession: OnSession }) {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const beside = splitError(error, t, ['email', 'password']);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setBusy(true);
    setError(null);
    try {
      onSession(await post<Session>('/v1/auth/sign-in', { email: f.get('email'), password: f.get('password') }));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main className="narrow" id="main">
      <PageHeader title={t('auth.signIn')} />
      <form onSubmit={submit}>
        <Field label={t('auth.email')} name="email" type="email" autoComplete="username" error={beside.at('email')} required />
        <Field label={t('auth.password')} name="password" type="password" autoComplete="current-password" error={beside.at('password')} required />
        <ErrorNote error={beside.rest} />
        <button className="primary" disabled={busy}>{t('auth.signIn')}</button>
      </form>
      <p>
        <Link to="/forgot-password">{t('auth.forgot')}</Link>
      </p>
    </main>
  );
}

export function ForgotPassword() {
  const { t } = useTranslation();
  const [error, setError] = useState<unknown>(null);
  const beside = splitError(error, t, ['email']);
  const [sent, setSent] = useState(false);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setError(null);
    try {
      await post('/v1/auth/forgot-password', { email: new FormData(e.currentTarget).get('email') });
      setSent(true);
    } catch (err) {
      setError(err);
    }
  };
  return (
    <main className="narrow" id="main">
      <PageHeader title={t('auth.forgotTitle')} />
      {sent ? (
        <Status>{t('auth.forgotSent')}</Status>
      ) : (
        <form onSubmit={submit}>
          <p>{t('auth.forgotIntro')}</p>
          <Field label={t('auth.email')} name="email" type="email" autoComplete="email" error={beside.at('email')} required />
          <ErrorNote error={beside.rest} />
          <button className="primary">{t('auth.sendLink')}</button>
        </form>
      )}
      <p>
        <Link to="/">{t('auth.backToSignIn')}</Link>
      </p>
    </main>
  );
}

/** A reset or invitation link: `/reset-password#token=…`. */
export function ResetPassword({ onSession }: { onSession: OnSession }) {
  const { t } = useTranslation();
  const token = useLocation().hash.get('token') ?? '';
  const [email, setEmail] = useState<string | null>(null);
  // A used or expired link is said at once, not after a password was chosen for nothing.
  const [dead, setDead] = useState(!token);
  const [error, setError] = useState<unknown>(null);
  const beside = splitError(error, t, ['password']);
  useEffect(() => {
    if (token) post<{ email: string }>('/v1/auth/token-info', { token }).then((i) => setEmail(i.email), (err: unknown) => {
      if (err instanceof ApiError && err.code === 'invalid_token') setDead(true);
      else setError(err);
    });
  }, [token]);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setError(null);
    try {
      onSession(await post<Session>('/v1/auth/reset-password', { token, password: new FormData(e.currentTarget).get('password') }));
    } catch (err) {
      if (err instanceof ApiError && err.code === 'invalid_token') setDead(true);
      else setError(err);
    }
  };
  if (dead) {
    return (
      <main className="narrow" id="main">
        <PageHeader title={t('auth.choosePassword')} />
        <p className="error-note" role="alert">{t('auth.linkUsed')}</p>
        <p><Link to="/forgot-password">{t('auth.askNewLink')}</Link></p>
      </main>
    );
  }
  return (
    <main className="narrow" id="main">
      <PageHeader title={t('auth.choosePassword')} />
      {email && <p>{t('auth.forAccount', { email })}</p>}
      <form onSubmit={submit}>
        <Field label={t('auth.newPassword')} hint={t('auth.passwordRule')} name="password" type="password" autoComplete="new-password" minLength={8} error={beside.at('password')} required />
        <ErrorNote error={beside.rest} />
        <button className="primary">{t('auth.savePassword')}</button>
      </form>
    </main>
  );
}

/** First run: `/setup#token=…`, the link Herald prints when it has no users. */
export function Setup({ onSession }: { onSession: OnSession }) {
  const { t } = useTranslation();
  const token = useLocation().hash.get('token') ?? '';
  const [error, setError] = useState<unknown>(null);
  const beside = splitError(error, t, ['account_name', 'name', 'email', 'password', 'default_country', 'timezone']);
  // Once an owner exists the form can only fail: say that setup is done instead.
  const [done, setDone] = useState(false);
  useEffect(() => {
    get<{ needed: boolean }>('/v1/setup').then((s) => setDone(!s.needed), () => undefined);
  }, []);
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setError(null);
    try {
      onSession(
        await post<Session>('/v1/setup', {
          token,
          account_name: f.get('account_name'),
          name: f.get('name'),
          email: f.get('email'),
          password: f.get('password'),
          default_country: String(f.get('default_country') || 'BE').toUpperCase(),
          timezone: f.get('timezone') || 'UTC',
        }),
      );
    } catch (err) {
      setError(err);
    }
  };
  if (done) {
    return (
      <main className="narrow" id="main">
        <PageHeader title={t('setup.title')} />
        <p role="status">{t('setup.done')}</p>
        <p><Link to="/">{t('setup.toSignIn')}</Link></p>
      </main>
    );
  }
  return (
    <main className="narrow" id="main">
      <PageHeader title={t('setup.title')} />
      {!token && <p className="error-note">{t('setup.noToken')}</p>}
      <p>{t('setup.intro')}</p>
      <form onSubmit={submit}>
        <Field label={t('setup.organisation')} name="account_name" error={beside.at('account_name')} required />
        <Field label={t('setup.name')} name="name" autoComplete="name" error={beside.at('name')} required />
        <Field label={t('auth.email')} name="email" type="email" autoComplete="email" error={beside.at('email')} required />
        <Field label={t('auth.password')} hint={t('auth.passwordRule')} name="password" type="password" autoComplete="new-password" minLength={8} error={beside.at('password')} required />
        <Field label={t('setup.country')} hint={t('setup.countryHint')} name="default_country" defaultValue="BE" pattern="[A-Za-z]{2}" maxLength={2} error={beside.at('default_country')} required />
        <Field label={t('profile.timezone')} name="timezone" defaultValue={zone} error={beside.at('timezone')} required />
        <ErrorNote error={beside.rest} />
        <button className="primary" disabled={!token}>{t('setup.create')}</button>
      </form>
    </main>
  );
}
