import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { del, get, patch, post } from '../../api';
import { ErrorNote, Field, splitError, useLoad } from '../../components/ui';
import { useFormat } from '../../format';
import { useSession } from '../../session';
import type { CallbackSecret as CallbackSecretData, Webhook } from '../../types';
import { Secret } from './developers';
import { DeliveryLog, EventLog, eventKey } from './webhook-log';

const EVENTS = ['message.submitted', 'message.delivered', 'message.failed', 'message.expired', 'inbound.received', 'credit.low'];

/** Endpoints with their secrets and delivery logs, the callback secret, and the events sent. */
export function Webhooks() {
  const { t } = useTranslation();
  const s = useSession();
  const hooks = useLoad((signal) => get<{ data: Webhook[] }>('/v1/webhooks', signal), []);
  const [secret, setSecret] = useState<{ label: string; secret: string } | null>(null);
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
      setSecret({ label: t('webhooks.secretOnce'), secret: w.secret });
      form.reset();
    }));
  };
  const rotate = (w: Webhook) =>
    act(() => post<Webhook & { secret: string }>(`/v1/webhooks/${w.id}/rotate-secret`).then((r) => setSecret({ label: t('webhooks.rotatedOnce', { url: w.url }), secret: r.secret })));
  const writer = s.can('account:write');
  const beside = splitError(error, t, ['url', 'description']);
  return (
    <section aria-labelledby="hooks-title">
      <h2 id="hooks-title">{t('settings.webhooks')}</h2>
      <ErrorNote error={hooks.error ?? beside.rest} fields={{ events: t('webhooks.events'), 'events[]': t('webhooks.events') }} />
      {secret && <Secret label={secret.label} secret={secret.secret} />}
      <ul className="plain">
        {hooks.data?.data.map((w) => (
          <li key={w.id} className="card" data-testid="webhook">
            <p><strong>{w.url}</strong> {w.description && <span className="hint">{w.description}</span>}</p>
            <p>{w.events.map((ev) => t(eventKey(ev))).join(', ')}</p>
            {w.disabled_reason && <p className="error-note">{w.disabled_reason}</p>}
            <p className="actions">
              <label className="checkbox">
                <input type="checkbox" checked={w.enabled} disabled={!writer} aria-label={t('webhooks.enabledNamed', { url: w.url })} onChange={(e) => act(() => patch(`/v1/webhooks/${w.id}`, { enabled: e.target.checked }))} /> {t('common.enabled')}
              </label>
              <button onClick={() => setLog(log === w.id ? null : w.id)} aria-expanded={log === w.id} aria-label={t('webhooks.logNamed', { url: w.url })}>{t('webhooks.log')}</button>
              {writer && <button onClick={() => rotate(w)} title={t('webhooks.rotateHint')} aria-label={t('webhooks.rotateNamed', { url: w.url })}>{t('webhooks.rotate')}</button>}
              {writer && <button onClick={() => act(() => del(`/v1/webhooks/${w.id}`))} aria-label={t('webhooks.deleteNamed', { url: w.url })}>{t('common.delete')}</button>}
            </p>
            {log === w.id && <DeliveryLog id={w.id} />}
          </li>
        ))}
        {hooks.data?.data.length === 0 && <li>{t('webhooks.none')}</li>}
      </ul>
      {writer && (
        <form className="card" onSubmit={create}>
          <h3>{t('webhooks.new')}</h3>
          <Field label={t('webhooks.url')} name="url" type="url" placeholder="https://" error={beside.at('url')} required />
          <Field label={t('webhooks.description')} name="description" error={beside.at('description')} />
          <fieldset>
            <legend>{t('webhooks.events')}</legend>
            {EVENTS.map((ev) => (
              <label key={ev} className="checkbox">
                <input type="checkbox" name="events" value={ev} defaultChecked={ev.startsWith('message.')} /> {t(eventKey(ev))}
              </label>
            ))}
          </fieldset>
          <button className="primary">{t('webhooks.add')}</button>
        </form>
      )}
      {writer && <CallbackSecret />}
      <EventLog canReplay={writer} />
    </section>
  );
}

/**
 * The secret signing deliveries to a message's callback_url and HTTP
 * forwarding. It can be read again at any time, so it is fetched only when
 * asked for rather than drawn on every visit.
 */
function CallbackSecret() {
  const { t } = useTranslation();
  const f = useFormat();
  const [data, setData] = useState<CallbackSecretData | null>(null);
  const [rotated, setRotated] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const load = (fn: () => Promise<CallbackSecretData>, afterRotation: boolean) => {
    setError(null);
    fn().then((d) => {
      setData(d);
      setRotated(afterRotation);
    }, setError);
  };
  return (
    <section className="card" aria-labelledby="callback-secret-title">
      <h3 id="callback-secret-title">{t('webhooks.callbackSecret')}</h3>
      <p className="hint">{t('webhooks.callbackSecretIntro')}</p>
      <ErrorNote error={error} />
      {data && (
        <div className="secret" role="status" data-testid="callback-secret">
          {rotated && <p>{t('webhooks.callbackRotated')}</p>}
          <code>{data.secret}</code>
          {data.previous.length > 0 && (
            <ul className="plain">
              {data.previous.map((p) => (
                <li key={p.secret} className="hint">{t('webhooks.previousUntil', { time: f.dateTime(p.expires_at) })} <code>{p.secret}</code></li>
              ))}
            </ul>
          )}
        </div>
      )}
      <p className="actions">
        {data ? (
          <button onClick={() => setData(null)}>{t('webhooks.hideSecret')}</button>
        ) : (
          <button onClick={() => load(() => get<CallbackSecretData>('/v1/webhooks/callback-secret'), false)}>{t('webhooks.showSecret')}</button>
        )}
        <button onClick={() => load(() => post<CallbackSecretData>('/v1/webhooks/callback-secret/rotate'), true)} title={t('webhooks.rotateHint')}>{t('webhooks.rotate')}</button>
      </p>
    </section>
  );
}
