import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { del, get, patch, post } from '../../api';
import { DataTable, ErrorNote, Field, SelectField, splitError, Status, useLoad } from '../../components/ui';
import { useFormat } from '../../format';
import { useSession } from '../../session';
import type { Account, User } from '../../types';

const ROLES = ['owner', 'admin', 'member'] as const;

export function Users() {
  const { t } = useTranslation();
  const s = useSession();
  const users = useLoad((signal) => get<{ data: User[] }>('/v1/users', signal), []);
  const [error, setError] = useState<unknown>(null);
  const [link, setLink] = useState<string | null>(null);
  const admin = s.can('account:write');
  // Nobody grants a role above their own, and only owners manage owners (the server says so too).
  const owner = s.session.user.role === 'owner';
  const grantable = ROLES.filter((r) => r !== 'owner' || owner);
  const manages = (u: User) => admin && u.id !== s.session.user.id && (u.role !== 'owner' || owner);
  const act = (fn: () => Promise<unknown>) => {
    setError(null);
    fn().then(users.reload, setError);
  };
  const invite = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const d = new FormData(form);
    act(() => post<{ invitation_link: string }>('/v1/users', { email: d.get('email'), name: String(d.get('name') || '') || undefined, role: d.get('role') }).then((r) => {
      setLink(r.invitation_link);
      form.reset();
    }));
  };
  // The invitation form's fields; a role refused from a row's pull-down is said above the table.
  const inviteErrors = splitError(error, t, ['email', 'name']);
  return (
    <section aria-labelledby="users-title">
      <h2 id="users-title">{t('settings.users')}</h2>
      <ErrorNote error={users.error ?? inviteErrors.rest} fields={{ role: t('users.role') }} />
      {link && <Status>{t('users.invited')} <code>{link}</code></Status>}
      <DataTable columns={[t('setup.name'), t('auth.email'), t('users.role'), t('users.status'), { hidden: t('common.actions') }]}>
        {users.data?.data.map((u) => (
          <tr key={u.id}>
            <td>{u.name}</td>
            <td>{u.email}</td>
            <td>
              {manages(u) ? (
                <select aria-label={t('users.roleOf', { name: u.name })} value={u.role} onChange={(e) => act(() => patch(`/v1/users/${u.id}`, { role: e.target.value }))}>
                  {grantable.map((r) => <option key={r} value={r}>{t(`users.roles.${r}`)}</option>)}
                </select>
              ) : (
                t(`users.roles.${u.role}`, { defaultValue: u.role })
              )}
            </td>
            <td>{t(`users.statuses.${u.status}`)}</td>
            <td className="row-actions">
              {manages(u) && (
                <>
                  <button onClick={() => act(() => patch(`/v1/users/${u.id}`, { disabled: u.status !== 'disabled' }))} aria-label={t(u.status === 'disabled' ? 'users.enableNamed' : 'users.disableNamed', { name: u.name })}>{u.status === 'disabled' ? t('users.enable') : t('users.disable')}</button>
                  <button onClick={() => confirm(t('users.confirmRemove', { name: u.name })) && act(() => del(`/v1/users/${u.id}`))} aria-label={t('users.deleteNamed', { name: u.name })}>{t('common.delete')}</button>
                </>
              )}
            </td>
          </tr>
        ))}
      </DataTable>
      {admin && <p className="hint">{t('users.disableHint')}</p>}
      {admin && (
        <form className="card" onSubmit={invite}>
          <h3>{t('users.invite')}</h3>
          <Field label={t('auth.email')} name="email" type="email" error={inviteErrors.at('email')} required />
          <Field label={t('setup.name')} name="name" error={inviteErrors.at('name')} />
          <SelectField label={t('users.role')} name="role" defaultValue="member">
            {grantable.map((r) => <option key={r} value={r}>{t(`users.roles.${r}`)}</option>)}
          </SelectField>
          <button className="primary">{t('users.sendInvite')}</button>
        </form>
      )}
    </section>
  );
}

export function Subaccounts() {
  const { t } = useTranslation();
  const f = useFormat();
  const s = useSession();
  const subs = useLoad((signal) => get<{ data: Account[] }>('/v1/subaccounts', signal), []);
  const [error, setError] = useState<unknown>(null);
  const [link, setLink] = useState<string | null>(null);
  const act = (fn: () => Promise<unknown>) => {
    setError(null);
    fn().then(() => {
      subs.reload();
      void s.refresh();
    }, setError);
  };
  const minor = (v: FormDataEntryValue | null) => (String(v ?? '') === '' ? null : f.currency.toMinor(String(v)));
  const step = String(10 ** -f.currency.digits);
  const create = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const d = new FormData(form);
    act(() => post<{ invitation_link: string }>('/v1/subaccounts', {
      name: d.get('name'), spending_limit: minor(d.get('limit')), owner: { email: d.get('email'), ...(d.get('owner') ? { name: d.get('owner') } : {}) },
    }).then((r) => {
      setLink(r.invitation_link);
      form.reset();
    }));
  };
  return (
    <section aria-labelledby="subs-title">
      <h2 id="subs-title">{t('settings.subaccounts')}</h2>
      <p className="hint">{t('subaccounts.intro')}</p>
      <ErrorNote error={subs.error ?? error} fields={{ name: t('subaccounts.name'), spending_limit: t('subaccounts.limit'), 'owner.email': t('subaccounts.ownerEmail'), 'owner.name': t('subaccounts.ownerName') }} />
      {link && <Status>{t('users.invited')} <code>{link}</code></Status>}
      <ul className="plain">
        {subs.data?.data.map((a) => (
          <li key={a.id} className="card">
            <form className="inline" onSubmit={(e: FormEvent<HTMLFormElement>) => {
              e.preventDefault();
              const d = new FormData(e.currentTarget);
              act(() => patch(`/v1/subaccounts/${a.id}`, { name: d.get('name'), spending_limit: minor(d.get('limit')) }));
            }}>
              <label htmlFor={`sub-name-${a.id}`}>{t('subaccounts.name')}</label>
              <input id={`sub-name-${a.id}`} name="name" defaultValue={a.name} required />
              <label htmlFor={`sub-limit-${a.id}`}>{t('subaccounts.limit')}</label>
              <input id={`sub-limit-${a.id}`} name="limit" type="number" min="0" step={step} defaultValue={a.spending_limit === null ? '' : f.currency.fromMinor(a.spending_limit)} />
              <button>{t('common.save')}</button>
              <button type="button" onClick={() => s.switchAccount(a.id)} aria-label={t('subaccounts.switchNamed', { name: a.name })}>{t('subaccounts.switch')}</button>
            </form>
            <p className="hint">{a.spending_limit === null ? t('subaccounts.noLimit') : t('subaccounts.limitIs', { limit: f.money(a.spending_limit) })}</p>
          </li>
        ))}
        {subs.data?.data.length === 0 && <li>{t('subaccounts.none')}</li>}
      </ul>
      {s.can('account:write') && (
        <form className="card" onSubmit={create}>
          <h3>{t('subaccounts.new')}</h3>
          <Field label={t('subaccounts.name')} name="name" required />
          <Field label={t('subaccounts.limit')} hint={t('subaccounts.limitHint')} name="limit" type="number" min="0" step={step} />
          <Field label={t('subaccounts.ownerEmail')} name="email" type="email" required />
          <Field label={t('subaccounts.ownerName')} name="owner" />
          <button className="primary">{t('subaccounts.create')}</button>
        </form>
      )}
    </section>
  );
}
