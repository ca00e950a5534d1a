import { decodeCursor, encodeCursor } from '../../platform/cursor.js';
import type { Executor } from '../../platform/db/index.js';
import { notFound } from '../../platform/errors.js';
import { countUnread, deleteInboxRow, findInboxRow, listInboxRows, setRead, type InboxFilter, type InboxRow } from './inbox.repository.js';
import type { InboxMessage, UnroutableReply } from './types.js';

export type { InboxFilter };

export interface Page<T> {
  data: T[];
  nextCursor: string | null;
}

function toMessage(r: InboxRow): InboxMessage {
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

const encodePosition = (r: InboxRow) => encodeCursor([r.received_at.toISOString(), r.id]);

const decodePosition = (cursor: string): { receivedAt: Date; id: string } =>
  decodeCursor(cursor, (keys) => {
    const [at, id] = keys;
    const receivedAt = typeof at === 'string' ? new Date(at) : null;
    return keys.length === 2 && typeof id === 'string' && receivedAt && !Number.isNaN(receivedAt.getTime()) ? { receivedAt, id } : null;
  });

async function page(db: Executor, accountId: string | null, filter: InboxFilter, options: { cursor?: string; limit: number }): Promise<{ rows: InboxRow[]; nextCursor: string | null }> {
  const after = options.cursor ? decodePosition(options.cursor) : null;
  const rows = await listInboxRows(db, accountId, filter, after, options.limit);
  const last = rows[rows.length - 1];
  return { rows, nextCursor: rows.length === options.limit && last ? encodePosition(last) : null };
}

// A "+" typed into a query string arrives as a space: "+32 475…" and "32475…" mean the same number.
function senderOf(value: string): string {
  if (!/^[\s+\d]+$/.test(value)) return value.trim();
  const digits = value.replace(/[\s+]/g, '');
  return digits.length >= 6 ? `+${digits}` : digits;
}

/** The account's replies, newest first. */
export async function listInbox(db: Executor, accountId: string, query: InboxFilter & { cursor?: string; limit: number }): Promise<Page<InboxMessage>> {
  const filter: InboxFilter = { ...(query.unread !== undefined && { unread: query.unread }), ...(query.from !== undefined && { from: senderOf(query.from) }) };
  const { rows, nextCursor } = await page(db, accountId, filter, query);
  return { data: rows.map(toMessage), nextCursor };
}

export async function getInboxMessage(db: Executor, accountId: string, id: string): Promise<InboxMessage> {
  const row = await findInboxRow(db, accountId, id);
  if (!row) throw notFound('Inbox message');
  return toMessage(row);
}

export async function countUnreadInbox(db: Executor, accountId: string): Promise<number> {
  return countUnread(db, accountId);
}

export async function markInboxRead(db: Executor, accountId: string, id: string, read: boolean): Promise<InboxMessage> {
  if (!(await setRead(db, accountId, id, read))) throw notFound('Inbox message');
  return getInboxMessage(db, accountId, id);
}

export async function deleteInboxMessage(db: Executor, accountId: string, id: string): Promise<void> {
  if (!(await deleteInboxRow(db, accountId, id))) throw notFound('Inbox message');
}

/** For the administrator: replies to numbers no account holds or pairs with the sender. */
export async function listUnroutable(db: Executor, options: { cursor?: string; limit: number }): Promise<Page<UnroutableReply>> {
  const { rows, nextCursor } = await page(db, null, {}, options);
  return { data: rows.map((r) => ({ ...toMessage(r), connectorId: r.connector_id })), nextCursor };
}
