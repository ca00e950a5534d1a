import { useContext, useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { del, get, query } from '../api';
import { ConversationLink, conversationHref, partyName } from '../components/reply-action';
import { StatusChip } from '../components/status';
import { DataTable, ErrorNote, PageHeader, useLoad } from '../components/ui';
import { FormatContext, nextDay, useFormat, zonedToIso } from '../format';
import { FINAL_STATUSES, STATUSES, historyDetail } from '../reasons';
import { Link, navigate, useLocation } from '../router';
import type { Message, MessageDetail, Page } from '../types';

const POLL_MS = 3000;

/** Fetches again every few seconds while `live` says something may still change. */
function usePoll(reload: () => void, live: boolean) {
  useEffect(() => {
    if (!live) return;
    const timer = setInterval(reload, POLL_MS);
    return () => clearInterval(timer);
  }, [reload, live]);
}

export function Sent() {
  const { query: q } = useLocation();
  const id = q.get('id');
  return id ? <SentDetail id={id} /> : <SentList />;
}

function SentList() {
  const { t } = useTranslation();
  const f = useFormat();
  const { query: q } = useLocation();
  const { timeZone } = useContext(FormatContext);
  const filters = { status: q.get('status') ?? '', to: q.get('to') ?? '', batch_id: q.get('batch') ?? '', from: q.get('from') ?? '', until: q.get('until') ?? '' };
  const [cursor, setCursor] = useState<string | null>(null);
  const list = useLoad(
    (signal) =>
      get<Page<Message>>(
        `/v1/messages${query({
          status: filters.status, to: filters.to, batch_id: filters.batch_id, limit: 50, cursor,
          // Days as the user's calendar has them, in their time zone; `until` is exclusive: the next day's start.
          from: filters.from ? zonedToIso(`${filters.from}T00:00`, timeZone) : '',
          until: filters.until ? zonedToIso(`${nextDay(filters.until)}T00:00`, timeZone) : '',
        })}`,
        signal,
      ),
    [q.toString(), cursor],
  );
  usePoll(list.reload, (list.data?.data ?? []).some((m) => !FINAL_STATUSES.has(m.status)));

  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const d = new FormData(e.currentTarget);
    setCursor(null);
    navigate(`/sent${query({ status: String(d.get('status') ?? ''), to: String(d.get('to') ?? ''), from: String(d.get('from') ?? ''), until: String(d.get('until') ?? ''), batch: filters.batch_id })}`);
  };

  return (
    <main id="main">
      <PageHeader title={t('sent.title')} />
      <form className="filters" onSubmit={apply} aria-label={t('sent.filters')}>
        <div className="field">
          <label htmlFor="f-status">{t('sent.status')}</label>
          <select id="f-status" name="status" defaultValue={filters.status}>
            <option value="">{t('sent.anyStatus')}</option>
            {STATUSES.map((s) => <option key={s} value={s}>{t(`status.${s}`)}</option>)}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-to">{t('sent.to')}</label>
          <input id="f-to" name="to" defaultValue={filters.to} type="tel" />
        </div>
        <div className="field">
          <label htmlFor="f-from">{t('sent.fromDate')}</label>
          <input id="f-from" name="from" type="date" defaultValue={filters.from} />
        </div>
        <div className="field">
          <label htmlFor="f-until">{t('sent.untilDate')}</label>
          <input id="f-until" name="until" type="date" defaultValue={filters.until} />
        </div>
        <button>{t('sent.apply')}</button>
      </form>
      {filters.batch_id && <p>{t('sent.batchOnly')} <Link to="/sent">{t('sent.showAll')}</Link></p>}
      <ErrorNote error={list.error} />
      {list.data && list.data.data.length === 0 && <p>{t('sent.none')}</p>}
      {list.data && list.data.data.length > 0 && (
        <DataTable testId="sent-table" columns={[t('sent.when'), t('sent.to'), t('sent.text'), t('sent.status')]}>
          {list.data.data.map((m) => (
            <tr key={m.id}>
              <td><Link to={`/sent?id=${m.id}`}>{f.dateTime(m.send_at)}</Link></td>
              <td>
                <Link to={conversationHref(m.to)} aria-label={t('replies.conversationWith', { name: partyName({ number: m.to, name: m.contact_name ?? null }) })}>{m.contact_name ?? m.to}</Link>
                {m.contact_name && <> <small className="hint">{m.to}</small></>}
              </td>
              <td className="clip">{m.text}</td>
              <td><StatusChip status={m.status} errorCode={m.error_code} /></td>
            </tr>
          ))}
        </DataTable>
      )}
      <p className="actions">
        {cursor && <button onClick={() => setCursor(null)}>{t('common.first')}</button>}
        {list.data?.next_cursor && <button onClick={() => setCursor(list.data!.next_cursor)}>{t('common.more')}</button>}
      </p>
    </main>
  );
}

function SentDetail({ id }: { id: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const m = useLoad((signal) => get<MessageDetail>(`/v1/messages/${encodeURIComponent(id)}`, signal), [id]);
  const [error, setError] = useState<unknown>(null);
  usePoll(m.reload, !!m.data && !FINAL_STATUSES.has(m.data.status));
  const cancel = async () => {
    try {
      await del(`/v1/messages/${encodeURIComponent(id)}`);
      m.reload();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <main id="main">
      <PageHeader title={t('sent.detailTitle')} />
      <p><Link to="/sent">← {t('sent.back')}</Link></p>
      <ErrorNote error={m.error ?? error} />
      {m.data && (
        <>
          <dl className="facts">
            <dt>{t('sent.to')}</dt><dd>{m.data.to} <ConversationLink number={m.data.to} name={null} /></dd>
            <dt>{t('sms.sender')}</dt><dd>{m.data.sender}</dd>
            <dt>{t('sent.status')}</dt><dd data-testid="detail-status"><StatusChip status={m.data.status} errorCode={m.data.error_code} /></dd>
            <dt>{t('sent.when')}</dt><dd>{f.dateTime(m.data.send_at)}</dd>
            <dt>{t('sent.parts')}</dt><dd>{f.number(m.data.parts)} ({m.data.encoding === 'gsm7' ? t('sms.encodingGsm') : t('sms.encodingUnicode')})</dd>
            <dt>{t('sent.text')}</dt><dd className="message-text">{m.data.text}</dd>
          </dl>
          {m.data.status === 'scheduled' && <button onClick={() => void cancel()}>{t('sent.cancel')}</button>}
          <h2>{t('sent.history')}</h2>
          <ol className="history">
            {m.data.history.map((h, i) => (
              <li key={i}>
                <time dateTime={h.at}>{f.dateTime(h.at)}</time> <StatusChip status={h.status} />
                {h.detail && <span className="hint"> {historyDetail(t, h.detail)}</span>}
              </li>
            ))}
          </ol>
        </>
      )}
    </main>
  );
}
