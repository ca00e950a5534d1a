import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { del, get, patch, post } from '../../api';
import { ErrorNote, Field, Status, useLoad } from '../../components/ui';
import { useFormat } from '../../format';
import type { ApiKey, Delivery, Page, Webhook } from '../../types';

const SCOPES = ['account:read', 'account:write', 'messages:read', 'messages:write', 'contacts:read', 'contacts:write', 'credit:read'];
const EVENTS = ['message.submitted', 'message.delivered', 'message.failed', 'message.expired', 'inbound.received', 'credit.low'];

function Secret({ label, secret }: { label: string; secret: string }) {
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
  return (
    <section aria-labelledby="keys-title">
      <h2 id="keys-title">{t('settings.apiKeys')}</h2>
      <ErrorNote error={keys.error ?? error} />
      {secret && <Secret label={t('keys.secretOnce')} secret={secret} />}
      <div className="table-wrap">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('keys.name')}</th>
              <th scope="col">{t('keys.prefix')}</th>
              <th scope="col">{t('keys.scopes')}</th>
              <th scope="col">{t('keys.lastUsed')}</th>
              <th scope="col"><span className="sr-only">{t('common.actions')}</span></th>
            </tr>
          </thead>
          <tbody>
            {keys.data?.data.map((k) => (
              <tr key={k.id}>
                <td>{k.name}</td>
                <td><code>{k.prefix}…</code></td>
                <td>{k.scopes.join(', ')}</td>
                <td>{f.dateTime(k.last_used_at)}</td>
                <td>{k.revoked_at ? t('keys.revoked') : <button onClick={() => void del(`/v1/api-keys/${k.id}`).then(keys.reload, setError)}>{t('keys.revoke')}</button>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <form className="card" onSubmit={create}>
        <h3>{t('keys.new')}</h3>
        <Field label={t('keys.name')} name="name" required />
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

export function Webhooks() {
  const { t } = useTranslation();
  const hooks = useLoad((signal) => get<{ data: Webhook[] }>('/v1/webhooks', signal), []);
  const [secret, setSecret] = useState<string | null>(null);
  const [log, setLog] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const act = (fn: () => Promise<unknown>) => {
    setError(null);
    fn().then(hooks.reload, setError);
  };
  const create = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const d = new FormData(form);
    act(() => post<Webhook & { secret: string }>('/v1/webhooks', { url: d.get('url'), events: d.getAll('events'), description: String(d.get('description') || '') || null }).then((w) => {
      setSecret(w.secret);
      form.reset();
    }));
  };
  return (
    <section aria-labelledby="hooks-title">
      <h2 id="hooks-title">{t('settings.webhooks')}</h2>
      <ErrorNote error={hooks.error ?? error} />
      {secret && <Secret label={t('webhooks.secretOnce')} secret={secret} />}
      <ul className="plain">
        {hooks.data?.data.map((w) => (
          <li key={w.id} className="card">
            <p><strong>{w.url}</strong> {w.description && <span className="hint">{w.description}</span>}</p>
            <p>{w.events.join(', ')}</p>
            {w.disabled_reason && <p className="error-note">{w.disabled_reason}</p>}
            <p className="actions">
              <label className="checkbox">
                <input type="checkbox" checked={w.enabled} onChange={(e) => act(() => patch(`/v1/webhooks/${w.id}`, { enabled: e.target.checked }))} /> {t('common.enabled')}
              </label>
              <button onClick={() => setLog(log === w.id ? null : w.id)} aria-expanded={log === w.id}>{t('webhooks.log')}</button>
              <button onClick={() => act(() => del(`/v1/webhooks/${w.id}`))}>{t('common.delete')}</button>
            </p>
            {log === w.id && <DeliveryLog id={w.id} />}
          </li>
        ))}
        {hooks.data?.data.length === 0 && <li>{t('webhooks.none')}</li>}
      </ul>
      <form className="card" onSubmit={create}>
        <h3>{t('webhooks.new')}</h3>
        <Field label={t('webhooks.url')} name="url" type="url" placeholder="https://" required />
        <Field label={t('webhooks.description')} name="description" />
        <fieldset>
          <legend>{t('webhooks.events')}</legend>
          {EVENTS.map((ev) => (
            <label key={ev} className="checkbox">
              <input type="checkbox" name="events" value={ev} defaultChecked={ev.startsWith('message.')} /> {t(`events.${ev.replace('.', '_')}`)}
            </label>
          ))}
        </fieldset>
        <button className="primary">{t('webhooks.add')}</button>
      </form>
    </section>
  );
}

function DeliveryLog({ id }: { id: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const log = useLoad((signal) => get<Page<Delivery>>(`/v1/webhooks/${id}/deliveries?limit=50`, signal), [id]);
  if (log.error) return <ErrorNote error={log.error} />;
  if (!log.data) return null;
  if (log.data.data.length === 0) return <Status>{t('webhooks.noDeliveries')}</Status>;
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">{t('webhooks.when')}</th>
            <th scope="col">{t('webhooks.event')}</th>
            <th scope="col">{t('webhooks.status')}</th>
            <th scope="col">{t('webhooks.attempts')}</th>
            <th scope="col">{t('webhooks.lastError')}</th>
          </tr>
        </thead>
        <tbody>
          {log.data.data.map((d) => (
            <tr key={d.id}>
              <td>{f.dateTime(d.created_at)}</td>
              <td>{d.event_type}</td>
              <td>{t(`webhooks.deliveryStatus.${d.status}`)}</td>
              <td>{f.number(d.attempts)}</td>
              <td>{d.last_error ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
