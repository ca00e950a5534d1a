import { useTranslation } from 'react-i18next';
import { query } from '../api';
import { Link } from '../router';

/** Who a reply goes to, and which of our numbers it goes out from. */
export interface ReplyTarget {
  /** The other side: the handset that wrote, or the recipient. */
  number: string;
  /** Our number the conversation went through (dedicated or pool); null: the composer's default. */
  from: string | null;
  name: string | null;
  optedOut: boolean;
  suppressed: boolean;
}

/** The composer, filled in: the recipient, their name for the chip, and the sender to answer from. */
export const replyHref = (r: ReplyTarget) => `/sms${query({ to: r.number, sender: r.from ?? undefined, name: r.name ?? undefined })}`;

/** The name when there is one, else the number: how people and lists name the other side. */
export const partyName = (r: { number: string; name: string | null }) => r.name ?? r.number;

/**
 * Reply, or why not: a number that replied STOP (or was suppressed by hand)
 * would be refused, so the page says so instead of offering a reply.
 */
export function ReplyAction({ target }: { target: ReplyTarget }) {
  const { t } = useTranslation();
  if (target.optedOut) return <span className="chip" data-testid="opted-out">{t('replies.optedOut')}</span>;
  if (target.suppressed) return <span className="chip" data-testid="opted-out">{t('replies.suppressed')}</span>;
  return <Link to={replyHref(target)} aria-label={t('replies.replyTo', { name: partyName(target) })}>{t('inbox.reply')}</Link>;
}

/** The conversation view of one number (a page of the Inbox). */
export const conversationHref = (number: string) => `/inbox${query({ with: number })}`;

export function ConversationLink({ number, name }: { number: string; name: string | null }) {
  const { t } = useTranslation();
  return <Link to={conversationHref(number)} aria-label={t('replies.conversationWith', { name: partyName({ number, name }) })}>{t('replies.conversation')}</Link>;
}
