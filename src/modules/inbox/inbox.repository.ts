import { sql, type Executor } from '../../platform/db/index.js';
import type { OptOut } from './opt-out.js';

export interface InboxRow {
  id: string;
  account_id: string | null;
  connector_id: string;
  sender: string;
  recipient: string;
  body: string;
  parts: number;
  incomplete: boolean;
  opt_out: OptOut | null;
  received_at: Date;
  read_at: Date | null;
  reply_to_message_id: string | null;
  /** The message answered, when there is one. */
  reply_to_recipient: string | null;
  reply_to_body: string | null;
  reply_to_send_at: Date | null;
}

export interface InboxFilter {
  unread?: boolean;
  from?: string;
}

export type NewInboxRow = Pick<InboxRow, 'id' | 'account_id' | 'connector_id' | 'sender' | 'recipient' | 'body' | 'parts' | 'incomplete' | 'opt_out' | 'received_at' | 'reply_to_message_id'>;

// The answered message is read here rather than through the messages module:
// one join per page instead of a call per row. The account is matched too, so
// a stale id can never show another tenant's text.
const SELECT = sql`select i.id, i.account_id, i.connector_id, i.sender, i.recipient, i.body, i.parts, i.incomplete, i.opt_out, i.received_at, i.read_at,
    i.reply_to_message_id, m.recipient as reply_to_recipient, left(m.body, 160) as reply_to_body, m.send_at as reply_to_send_at
  from inbox_messages i left join messages m on m.id = i.reply_to_message_id and m.account_id = i.account_id`;

/** null: the replies no account could be found for. */
const ofAccount = (accountId: string | null) => (accountId === null ? sql`i.account_id is null` : sql`i.account_id = ${accountId}`);

export async function insertInboxRow(db: Executor, row: NewInboxRow): Promise<void> {
  await sql`insert into inbox_messages (id, account_id, connector_id, sender, recipient, body, parts, incomplete, opt_out, received_at, reply_to_message_id)
    values (${row.id}, ${row.account_id}, ${row.connector_id}, ${row.sender}, ${row.recipient}, ${row.body}, ${row.parts}, ${row.incomplete},
      ${row.opt_out}, ${row.received_at}, ${row.reply_to_message_id})`.execute(db);
}

/** Newest first; `after` is the last row of the previous page. */
export async function listInboxRows(db: Executor, accountId: string | null, filter: InboxFilter, after: { receivedAt: Date; id: string } | null, limit: number): Promise<InboxRow[]> {
  const r = await sql<InboxRow>`${SELECT} where ${ofAccount(accountId)}
    ${filter.unread === true ? sql`and i.read_at is null` : filter.unread === false ? sql`and i.read_at is not null` : sql``}
    ${filter.from !== undefined ? sql`and i.sender = ${filter.from}` : sql``}
    ${after ? sql`and (i.received_at, i.id) < (${after.receivedAt}, ${after.id})` : sql``}
    order by i.received_at desc, i.id desc limit ${limit}`.execute(db);
  return r.rows;
}

export async function findInboxRow(db: Executor, accountId: string, id: string): Promise<InboxRow | undefined> {
  const r = await sql<InboxRow>`${SELECT} where i.id = ${id} and ${ofAccount(accountId)}`.execute(db);
  return r.rows[0];
}

export async function countUnread(db: Executor, accountId: string): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from inbox_messages where account_id = ${accountId} and read_at is null`.execute(db);
  return r.rows[0]?.n ?? 0;
}

/** Keeps the first time it was read; false when the row is not the account's. */
export async function setRead(db: Executor, accountId: string, id: string, read: boolean): Promise<boolean> {
  const r = await sql`update inbox_messages set read_at = ${read ? sql`coalesce(read_at, now())` : sql`null`}
    where id = ${id} and account_id = ${accountId}`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

export async function deleteInboxRow(db: Executor, accountId: string, id: string): Promise<boolean> {
  const r = await sql`delete from inbox_messages where id = ${id} and account_id = ${accountId}`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}
