import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post, query } from '../../api';
import { DataTable, ErrorNote, Status, useLoad } from '../../components/ui';
import { useFormat } from '../../format';
import type { Delivery, DeliveryDetail, Page, WebhookEvent } from '../../types';

export const eventKey = (type: string) => `events.${type.replace('.', '_')}`;

/** An endpoint's deliveries, newest first; each opens to its attempts. */
export function DeliveryLog({ id }: { id: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const log = useLoad((signal) => get<Page<Delivery>>(`/v1/webhooks/${id}/deliveries?limit=50`, signal), [id]);
  const [open, setOpen] = useState<string | null>(null);
  if (log.error) return <ErrorNote error={log.error} />;
  if (!log.data) return null;
  if (log.data.data.length === 0) return <Status>{t('webhooks.noDeliveries')}</Status>;
  return (
    <DataTable testId="delivery-log" columns={[t('webhooks.when'), t('webhooks.event'), t('webhooks.status'), t('webhooks.attempts'), t('webhooks.lastError')]}>
      {log.data.data.map((d) => (
        <Fragment key={d.id}>
          <tr>
            <td>{f.dateTime(d.created_at)}</td>
            <td>{t(eventKey(d.event_type), { defaultValue: d.event_type })}</td>
            <td>{t(`webhooks.deliveryStatus.${d.status}`)}</td>
            <td>
              <button className="link" onClick={() => setOpen(open === d.id ? null : d.id)} aria-expanded={open === d.id} aria-label={t('webhooks.showAttempts', { count: d.attempts, n: f.number(d.attempts) })}>
                {f.number(d.attempts)}
              </button>
            </td>
            <td>{d.last_error ?? '—'}</td>
          </tr>
          {open === d.id && (
            <tr>
              <td colSpan={5}><AttemptLog id={d.id} /></td>
            </tr>
          )}
        </Fragment>
      ))}
    </DataTable>
  );
}

/** Every attempt of one delivery: what the receiver answered, how fast, or why it could not be reached. */
function AttemptLog({ id }: { id: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const detail = useLoad((signal) => get<DeliveryDetail>(`/v1/webhook-deliveries/${id}`, signal), [id]);
  if (detail.error) return <ErrorNote error={detail.error} />;
  if (!detail.data) return <Status>{t('common.loading')}</Status>;
  const attempts = detail.data.attempt_log;
  if (attempts.length === 0) return <Status>{t('webhooks.noAttempts', { time: f.dateTime(detail.data.next_attempt_at) })}</Status>;
  return (
    <table className="table attempts" data-testid="attempt-log">
      <caption>{t('webhooks.attemptsTo', { url: detail.data.url })}</caption>
      <thead>
        <tr>
          <th scope="col">{t('webhooks.when')}</th>
          <th scope="col">{t('webhooks.statusCode')}</th>
          <th scope="col">{t('webhooks.latency')}</th>
          <th scope="col">{t('webhooks.response')}</th>
        </tr>
      </thead>
      <tbody>
        {attempts.map((a) => (
          <tr key={a.attempted_at}>
            <td>{f.dateTime(a.attempted_at)}</td>
            <td>{a.status_code ?? '—'}</td>
            <td>{t('webhooks.ms', { ms: f.number(a.latency_ms) })}</td>
            <td>
              {a.error && <span className="error">{a.error}</span>}
              {a.response_start && <pre className="response-start">{a.response_start}</pre>}
              {!a.error && !a.response_start && '—'}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** Events sent to the account's receivers, newest first, to send again (same webhook-id) after a receiver was fixed. */
export function EventLog({ canReplay }: { canReplay: boolean }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [cursors, setCursors] = useState<string[]>([]);
  const cursor = cursors.at(-1);
  const events = useLoad((signal) => get<Page<WebhookEvent>>(`/v1/webhook-events${query({ limit: 20, cursor })}`, signal), [cursor]);
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const replay = (e: WebhookEvent) => {
    setError(null);
    setDone(null);
    post<{ deliveries: Delivery[] }>(`/v1/webhook-events/${e.id}/replay`).then(
      (r) => setDone(r.deliveries.length ? t('webhooks.replayed', { count: r.deliveries.length, n: f.number(r.deliveries.length), event: t(eventKey(e.type), { defaultValue: e.type }) }) : t('webhooks.replayedNone')),
      setError,
    );
  };
  return (
    <section aria-labelledby="events-title">
      <h3 id="events-title">{t('webhooks.eventLog')}</h3>
      <p className="hint">{t('webhooks.eventLogIntro')}</p>
      <ErrorNote error={events.error ?? error} />
      {done && <Status>{done}</Status>}
      {events.data?.data.length === 0 && <p>{t('webhooks.noEvents')}</p>}
      {events.data && events.data.data.length > 0 && (
        <DataTable testId="event-log" columns={[t('webhooks.when'), t('webhooks.event'), t('webhooks.payload'), canReplay && { hidden: t('common.actions') }]}>
          {events.data.data.map((e) => (
            <tr key={e.id}>
              <td>{f.dateTime(e.created_at)}</td>
              <td>{t(eventKey(e.type), { defaultValue: e.type })}</td>
              <td>
                <details>
                  <summary><code>{e.id}</code></summary>
                  <pre className="response-start">{JSON.stringify(e.payload, null, 2)}</pre>
                </details>
              </td>
              {canReplay && <td><button onClick={() => replay(e)}>{t('webhooks.replay')}</button></td>}
            </tr>
          ))}
        </DataTable>
      )}
      <p className="actions">
        {cursors.length > 0 && <button onClick={() => setCursors([])}>{t('common.first')}</button>}
        {events.data?.next_cursor && <button onClick={() => setCursors([...cursors, events.data!.next_cursor!])}>{t('common.more')}</button>}
      </p>
    </section>
  );
}
