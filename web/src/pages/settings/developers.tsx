import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { del, get, post } from '../../api';
import { DataTable, ErrorNote, Field, splitError, useLoad } from '../../components/ui';
import { useFormat } from '../../format';
import type { ApiKey } from '../../types';

const SCOPES = ['account:read', 'account:write', 'messages:read', 'messages:write', 'contacts:read', 'contacts:write', 'credit:read'];

/** A secret shown once, right after it was made. */
export function Secret({ label, secret }: { label: string; secret: string }) {
  return (
    <div className="secret" role="status">
      <p>{label}</p>
      <code>{secret}</code>
    </div>
  );
}

export function ApiKeys() {
  const { t } = useTranslation();
  const f = useFormat();
  const keys = useLoad((signal) => get<{ data: ApiKey[] }>('/v1/api-keys', signal), []);
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const create = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const d = new FormData(form);
    setError(null);
    post<ApiKey & { secret: string }>('/v1/api-keys', { name: d.get('name'), scopes: d.getAll('scopes') }).then((k) => {
      setSecret(k.secret);
      form.reset();
      keys.reload();
    }, setError);
  };
  const beside = splitError(error, t, ['name']);
  return (
    <section aria-labelledby="keys-title">
      <h2 id="keys-title">{t('settings.apiKeys')}</h2>
      <ErrorNote error={keys.error ?? beside.rest} fields={{ scopes: t('keys.scopes'), 'scopes[]': t('keys.scopes') }} />
      {secret && <Secret label={t('keys.secretOnce')} secret={secret} />}
      <DataTable columns={[t('keys.name'), t('keys.prefix'), t('keys.scopes'), t('keys.lastUsed'), { hidden: t('common.actions') }]}>
        {keys.data?.data.map((k) => (
          <tr key={k.id} data-testid="api-key">
            <td>
              {k.name}
              {/* A key acts for its creator: while they are disabled it is refused. */}
              {k.suspended && !k.revoked_at && <> <strong>{t('keys.suspended')}</strong> <span className="hint">{t('keys.suspendedHint')}</span></>}
            </td>
            <td><code>{k.prefix}…</code></td>
            <td>{k.scopes.join(', ')}</td>
            <td>{f.dateTime(k.last_used_at)}</td>
            <td>{k.revoked_at ? t('keys.revoked') : <button onClick={() => void del(`/v1/api-keys/${k.id}`).then(keys.reload, setError)} aria-label={t('keys.revokeNamed', { name: k.name })}>{t('keys.revoke')}</button>}</td>
          </tr>
        ))}
      </DataTable>
      <form className="card" onSubmit={create}>
        <h3>{t('keys.new')}</h3>
        <Field label={t('keys.name')} name="name" error={beside.at('name')} required />
        <fieldset>
          <legend>{t('keys.scopes')}</legend>
          {SCOPES.map((s) => (
            <label key={s} className="checkbox">
              <input type="checkbox" name="scopes" value={s} defaultChecked={s.endsWith(':read') || s === 'messages:write'} /> {t(`scopes.${s.replace(':', '_')}`)}
            </label>
          ))}
        </fieldset>
        <button className="primary">{t('keys.create')}</button>
      </form>
    </section>
  );
}
