import { useMemo, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { patch, post } from '../../api';
import { ErrorNote, Field, SelectField, splitError, Status } from '../../components/ui';
import { setLanguage } from '../../i18n';
import { Link } from '../../router';
import { useSession } from '../../session';
import type { User } from '../../types';

const LANGUAGE_NAMES: Record<string, string> = { en: 'English', nl: 'Nederlands', de: 'Deutsch', fr: 'Français' };

export function Profile() {
  const { t } = useTranslation();
  const s = useSession();
  const u = s.session.user;
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const zones = useMemo(() => (typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []), []);
  // The API names the field at fault; its reason goes under it.
  const beside = splitError(error, t, ['name', 'locale', 'timezone', 'mobile', 'current_password', 'new_password']);

  const save = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const d = new FormData(e.currentTarget);
    setError(null);
    setDone(null);
    const body = { name: d.get('name'), locale: d.get('locale'), timezone: String(d.get('timezone') || '') || null, mobile: String(d.get('mobile') ?? '').trim() || null };
    patch<User>('/v1/me', body).then(async (user) => {
      setLanguage(user.locale);
      await s.refresh();
      setDone(t('common.saved'));
    }, setError);
  };
  const password = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const d = new FormData(form);
    setError(null);
    post('/v1/auth/password', { current_password: d.get('current'), new_password: d.get('new') }).then(() => {
      form.reset();
      setDone(t('profile.passwordChanged'));
    }, setError);
  };
  return (
    <section aria-labelledby="profile-title">
      <h2 id="profile-title">{t('settings.profile')}</h2>
      <ErrorNote error={beside.rest} />
      {done && <Status>{done}</Status>}
      <form className="card" onSubmit={save}>
        <Field label={t('setup.name')} name="name" defaultValue={u.name} error={beside.at('name')} required />
        <Field label={t('auth.email')} value={u.email} readOnly />
        <SelectField label={t('profile.language')} name="locale" defaultValue={u.locale} error={beside.at('locale')}>
          {Object.entries(LANGUAGE_NAMES).map(([code, name]) => <option key={code} value={code} lang={code}>{name}</option>)}
        </SelectField>
        <Field label={t('profile.timezone')} hint={t('profile.timezoneHint', { zone: s.acting.timezone })} name="timezone" list="zones" error={beside.at('timezone')} defaultValue={u.timezone ?? ''} />
        <datalist id="zones">{zones.map((z) => <option key={z} value={z} />)}</datalist>
        <Field label={t('profile.mobile')} hint={`${t('profile.mobileHint')} ${t('profile.mobileUse')}`} error={beside.at('mobile')} name="mobile" type="tel" inputMode="tel" autoComplete="tel" defaultValue={u.mobile ?? ''} />
        <p className="hint">
          {t('profile.mobileAsSender')} <Link to="/settings/senders">{t('settings.senders')}</Link>
        </p>
        <button className="primary">{t('common.save')}</button>
      </form>
      <form className="card" onSubmit={password}>
        <h3>{t('profile.changePassword')}</h3>
        <Field label={t('profile.currentPassword')} error={beside.at('current_password')} name="current" type="password" autoComplete="current-password" required />
        <Field label={t('auth.newPassword')} hint={t('auth.passwordRule')} error={beside.at('new_password')} name="new" type="password" autoComplete="new-password" minLength={8} required />
        <button>{t('profile.changePassword')}</button>
      </form>
    </section>
  );
}
