import { decodeTimeIdCursor, encodeTimeIdCursor } from '../../platform/cursor.js';
import type { Executor } from '../../platform/db/index.js';
import { notFound } from '../../platform/errors.js';
import { contactNamesOf, findSuppressed, type Viewer } from '../contacts/index.js';
import { countUnread, deleteInboxRow, findInboxRow, listInboxRows, setRead, type InboxFilter, type InboxRow } from './inbox.repository.js';
import type { InboxMessage, UnroutableReply } from './types.js';

export type { InboxFilter };

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

type Row = Omit<InboxMessage, 'contactName' | 'suppressed'>;

function toMessage(r: InboxRow): Row {
  return {
    id: r.id,
    from: r.sender,
    to: r.recipient,
    text: r.body,
    parts: r.parts,
    incomplete: r.incomplete,
    optOut: r.opt_out,
    receivedAt: r.received_at,
    readAt: r.read_at,
    replyTo: r.reply_to_message_id && r.reply_to_recipient !== null && r.reply_to_send_at
      ? { id: r.reply_to_message_id, to: r.reply_to_recipient, text: r.reply_to_body ?? '', sendAt: r.reply_to_send_at }
      : null,
  };
}

async function page(db: Executor, accountId: string | null, filter: InboxFilter, options: { cursor?: string; limit: number }): Promise<{ rows: InboxRow[]; nextCursor: string | null }> {
  const position = options.cursor ? decodeTimeIdCursor(options.cursor) : null;
  const after = position ? { receivedAt: position.at, id: position.id } : null;
  const rows = await listInboxRows(db, accountId, filter, after, options.limit);
  const last = rows[rows.length - 1];
  return { rows, nextCursor: rows.length === options.limit && last ? encodeTimeIdCursor(last.received_at, last.id) : null };
}

// A "+" typed into a query string arrives as a space: "+32 475…" and "32475…" mean the same number.
export function senderOf(value: string): string {
  if (!/^[\s+\d]+$/.test(value)) return value.trim();
  const digits = value.replace(/[\s+]/g, '');
  return digits.length >= 6 ? `+${digits}` : digits;
}

/**
 * What the viewer knows of each sender: its contact name, and whether it may
 * be written to. Two statements for a whole page, whatever its length.
 */
export async function withSenders(db: Executor, viewer: Viewer, rows: Row[]): Promise<InboxMessage[]> {
  const numbers = rows.map((r) => r.from);
  const [names, suppressed] = await Promise.all([contactNamesOf(db, viewer, numbers), findSuppressed(db, viewer.accountId, [...new Set(numbers)])]);
  return rows.map((r) => ({ ...r, contactName: names.get(r.from) ?? null, suppressed: suppressed.get(r.from) ?? null }));
}

/** The account's replies, newest first. */
export async function listInbox(db: Executor, viewer: Viewer, query: InboxFilter & { cursor?: string; limit: number }): Promise<Page<InboxMessage>> {
  const filter: InboxFilter = { ...(query.unread !== undefined && { unread: query.unread }), ...(query.from !== undefined && { from: senderOf(query.from) }) };
  const { rows, nextCursor } = await page(db, viewer.accountId, filter, query);
  return { data: await withSenders(db, viewer, rows.map(toMessage)), nextCursor };
}

export async function getInboxMessage(db: Executor, viewer: Viewer, id: string): Promise<InboxMessage> {
  const row = await findInboxRow(db, viewer.accountId, id);
  if (!row) throw notFound('Inbox message');
  return (await withSenders(db, viewer, [toMessage(row)]))[0]!;
}

export async function countUnreadInbox(db: Executor, accountId: string): Promise<number> {
  return countUnread(db, accountId);
}

export async function markInboxRead(db: Executor, viewer: Viewer, id: string, read: boolean): Promise<InboxMessage> {
  if (!(await setRead(db, viewer.accountId, id, read))) throw notFound('Inbox message');
  return getInboxMessage(db, viewer, id);
}

export async function deleteInboxMessage(db: Executor, accountId: string, id: string): Promise<void> {
  if (!(await deleteInboxRow(db, accountId, id))) throw notFound('Inbox message');
}

/** For the administrator: replies to numbers no account holds or pairs with the sender. */
export async function listUnroutable(db: Executor, options: { cursor?: string; limit: number }): Promise<Page<UnroutableReply>> {
  const { rows, nextCursor } = await page(db, null, {}, options);
  // No account: no address book and no suppression list to look in.
  return { data: rows.map((r) => ({ ...toMessage(r), contactName: null, suppressed: null, connectorId: r.connector_id })), nextCursor };
}
