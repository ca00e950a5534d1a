import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { del, get, patch, post, query } from '../api';
import { ErrorNote, Field, PageHeader, SelectField, splitError, useLoad } from '../components/ui';
import { useFormat } from '../format';
import { ConversationLink, ReplyAction, partyName } from '../components/reply-action';
import { useLocation } from '../router';
import type { ForwardingRule, InboxItem, Page } from '../types';
import { Conversation } from './conversation';

/** Carries the unread count this page saw (a CustomEvent's detail), so the badge in the menu agrees with it. */
export const INBOX_CHANGED = 'herald:inbox-changed';
/** Replies arrive by themselves; the page asks again this often while open. */
const REFRESH_MS = 15_000;

/** /inbox lists the replies; /inbox?with=+32… is the conversation with that number. */
export function Inbox() {
  const number = useLocation().query.get('with');
  return number ? <Conversation number={number} /> : <Replies />;
}

function Replies() {
  const { t } = useTranslation();
  const f = useFormat();
  const [onlyUnread, setOnlyUnread] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const inbox = useLoad((signal) => get<Page<InboxItem> & { unread_count: number }>(`/v1/inbox${query({ unread: onlyUnread ? true : undefined, limit: 100 })}`, signal), [onlyUnread]);
  const act = (fn: () => Promise<unknown>) => fn().then(inbox.reload, setError);
  useEffect(() => {
    const timer = setInterval(inbox.reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [inbox.reload]);
  const unread = inbox.data?.unread_count;
  useEffect(() => {
    if (unread !== undefined) window.dispatchEvent(new CustomEvent(INBOX_CHANGED, { detail: unread }));
  }, [unread]);
  return (
    <main id="main">
      <PageHeader title={t('inbox.title')} />
      <p role="status" data-testid="unread-count">{t('inbox.unreadCount', { count: inbox.data?.unread_count ?? 0, n: f.number(inbox.data?.unread_count ?? 0) })}</p>
      <div className="field checkbox">
        <input id="only-unread" type="checkbox" checked={onlyUnread} onChange={(e) => setOnlyUnread(e.target.checked)} />
        <label htmlFor="only-unread">{t('inbox.onlyUnread')}</label>
      </div>
      <ErrorNote error={inbox.error ?? error} />
      {inbox.data?.data.length === 0 && <p>{t('inbox.none')}</p>}
      <ul className="plain inbox">
        {inbox.data?.data.map((m) => (
          <li key={m.id} className={m.read ? 'card' : 'card unread'}>
            <p>
              <strong>{partyName({ number: m.from, name: m.contact_name })}</strong>
              {m.contact_name && <> <span className="hint">{m.from}</span></>} → {m.to} · <time dateTime={m.received_at}>{f.dateTime(m.received_at)}</time>
              {!m.read && <span className="badge">{t('inbox.new')}</span>}
              {m.opt_out && <span className="chip">{t(`inbox.optOut.${m.opt_out}`)}</span>}
            </p>
            <p className="message-text">{m.text}</p>
            {m.reply_to && <p className="hint">{t('inbox.inReplyTo', { text: m.reply_to.text })}</p>}
            <p className="actions">
              <ReplyAction target={{ number: m.from, from: m.to, name: m.contact_name, optedOut: m.opted_out, suppressed: m.suppressed }} />
              <ConversationLink number={m.from} name={m.contact_name} />
              <button onClick={() => void act(() => post(`/v1/inbox/${m.id}/${m.read ? 'unread' : 'read'}`))} aria-label={t(m.read ? 'inbox.markUnreadNamed' : 'inbox.markReadNamed', { from: m.from })}>{m.read ? t('inbox.markUnread') : t('inbox.markRead')}</button>
              <button onClick={() => void act(() => del(`/v1/inbox/${m.id}`))} aria-label={t('inbox.deleteReply', { from: m.from, time: f.dateTime(m.received_at) })}>{t('common.delete')}</button>
            </p>
          </li>
        ))}
      </ul>
      <ForwardingRules />
    </main>
  );
}

function ForwardingRules() {
  const { t } = useTranslation();
  const rules = useLoad((signal) => get<{ data: ForwardingRule[] }>('/v1/inbox/forwarding-rules', signal), []);
  const [error, setError] = useState<unknown>(null);
  const act = (fn: () => Promise<unknown>) => {
    setError(null);
    return fn().then(rules.reload, setError);
  };
  const create = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const d = new FormData(form);
    void act(() => post('/v1/inbox/forwarding-rules', { kind: d.get('kind'), target: d.get('target') }).then(() => form.reset()));
  };
  const beside = splitError(error, t, ['kind', 'target']);
  return (
    <section aria-labelledby="rules-title">
      <h2 id="rules-title">{t('inbox.rules')}</h2>
      <p className="hint">{t('inbox.rulesIntro')}</p>
      <ul className="plain">
        {rules.data?.data.map((r) => (
          <li key={r.id} className="row">
            <span>{t(`inbox.kind.${r.kind}`)}: {r.target}</span>
            <label className="checkbox">
              <input
                type="checkbox"
                checked={r.enabled}
                aria-label={t('inbox.ruleEnabled', { target: r.target })}
                onChange={(e) => void act(() => patch(`/v1/inbox/forwarding-rules/${r.id}`, { enabled: e.target.checked }))}
              />
              {t('common.enabled')}
            </label>
            <button onClick={() => void act(() => del(`/v1/inbox/forwarding-rules/${r.id}`))} aria-label={t('inbox.deleteRule', { target: r.target })}>{t('common.delete')}</button>
          </li>
        ))}
      </ul>
      <form className="card" onSubmit={create} aria-label={t('inbox.addRule')}>
        <SelectField label={t('inbox.ruleKind')} name="kind" defaultValue="email" error={beside.at('kind')}>
          <option value="email">{t('inbox.kind.email')}</option>
          <option value="http">{t('inbox.kind.http')}</option>
        </SelectField>
        <Field label={t('inbox.ruleTarget')} name="target" error={beside.at('target')} required />
        <ErrorNote error={beside.rest ?? rules.error} />
        <button className="primary">{t('inbox.addRule')}</button>
      </form>
    </section>
  );
}
