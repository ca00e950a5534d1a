import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { get, query } from '../api';
import { ReplyAction, partyName } from '../components/reply-action';
import { StatusChip } from '../components/status';
import { ErrorNote, PageHeader, useLoad } from '../components/ui';
import { useFormat } from '../format';
import { Link } from '../router';
import type { Conversation as ConversationData } from '../types';

/** Replies arrive by themselves; the page asks again this often while open. */
const REFRESH_MS = 15_000;

/** Everything sent to one number and received from it, oldest first, with Reply (or why not) at the end. */
export function Conversation({ number }: { number: string }) {
  const { t } = useTranslation();
  const f = useFormat();
  const c = useLoad((signal) => get<ConversationData>(`/v1/conversation${query({ number })}`, signal), [number]);
  useEffect(() => {
    const timer = setInterval(c.reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [c.reload]);
  const data = c.data;
  const name = data ? partyName({ number: data.number, name: data.contact_name }) : number;
  // Answered from our number the customer last wrote to, else the one last written from.
  const lastIn = data?.data.filter((e) => e.direction === 'in').at(-1);
  const lastOut = data?.data.filter((e) => e.direction === 'out').at(-1);
  return (
    <main id="main">
      <PageHeader title={t('replies.conversationWith', { name })} />
      <p><Link to="/inbox">← {t('replies.back')}</Link></p>
      {data?.contact_name && <p className="hint">{data.number}</p>}
      <ErrorNote error={c.error} />
      {data && data.data.length === 0 && <p>{t('replies.none')}</p>}
      <ol className="plain conversation" aria-label={t('replies.messages')}>
        {data?.data.map((e) => (
          <li key={e.id} className={`card ${e.direction}`} data-direction={e.direction}>
            <p className="hint">
              {e.direction === 'out' ? t('replies.you', { sender: e.ours }) : t('replies.them', { name, number: e.ours })}
              {' · '}<time dateTime={e.at}>{f.dateTime(e.at)}</time>
              {e.status && <> <StatusChip status={e.status} /></>}
            </p>
            <p className="message-text">{e.text}</p>
          </li>
        ))}
      </ol>
      {data && (
        <p className="actions">
          <ReplyAction target={{ number: data.number, from: lastIn?.ours ?? lastOut?.ours ?? null, name: data.contact_name, optedOut: data.opted_out, suppressed: data.suppressed }} />
        </p>
      )}
    </main>
  );
}
