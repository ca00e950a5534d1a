import { columnNames, rowsSelect, sql, type Column, type Executor } from '../../platform/db/index.js';
import type { MessageStatus, PartStatus } from './status.js';

export interface NewMessage {
  id: string;
  accountId: string;
  batchId: string;
  holdReference: string;
  createdBy: string | null;
  clientReference: string | null;
  recipient: string;
  recipientCountry: string | null;
  sender: string;
  senderTon: number;
  senderNpi: number;
  body: string;
  encoding: 'gsm7' | 'ucs2';
  partsCount: number;
  pricePerPartMinor: bigint;
  status: MessageStatus;
  sendAt: Date;
  validUntil: Date;
  callbackUrl: string | null;
  contactId: string | null;
  listId: string | null;
}

export interface NewPart {
  messageId: string;
  seq: number;
  dataCoding: number;
  udh: Buffer | null;
  payload: Buffer;
  status: PartStatus;
  dueAt: Date;
  /** 'none' for Herald's own SMS, which nobody pays for; otherwise left to the charge job. */
  charge?: 'none';
}

// One statement per table whatever the number of rows: arrays bound as one
// parameter each stay far below PostgreSQL's 65,535-parameter limit. The
// first history entry (accepted) is the message row itself, not an event.
const MESSAGE_INSERT: readonly Column<NewMessage>[] = [
  ['id', 'text', (r) => r.id], ['account_id', 'text', (r) => r.accountId], ['batch_id', 'text', (r) => r.batchId],
  ['hold_reference', 'text', (r) => r.holdReference], ['created_by', 'text', (r) => r.createdBy],
  ['client_reference', 'text', (r) => r.clientReference], ['recipient', 'text', (r) => r.recipient],
  ['recipient_country', 'text', (r) => r.recipientCountry], ['sender', 'text', (r) => r.sender],
  ['sender_ton', 'smallint', (r) => r.senderTon], ['sender_npi', 'smallint', (r) => r.senderNpi], ['body', 'text', (r) => r.body],
  ['encoding', 'text', (r) => r.encoding], ['parts_count', 'smallint', (r) => r.partsCount],
  ['price_per_part_minor', 'bigint', (r) => r.pricePerPartMinor.toString()], ['status', 'text', (r) => r.status],
  ['send_at', 'timestamptz', (r) => r.sendAt.toISOString()], ['valid_until', 'timestamptz', (r) => r.validUntil.toISOString()],
  ['callback_url', 'text', (r) => r.callbackUrl], ['contact_id', 'text', (r) => r.contactId], ['list_id', 'text', (r) => r.listId],
];

export async function insertMessages(db: Executor, rows: NewMessage[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`insert into messages (${columnNames(MESSAGE_INSERT)}) ${rowsSelect(rows, MESSAGE_INSERT)}`.execute(db);
}

const PART_INSERT: readonly Column<NewPart>[] = [
  ['message_id', 'text', (r) => r.messageId], ['seq', 'smallint', (r) => r.seq], ['data_coding', 'smallint', (r) => r.dataCoding],
  ['udh', 'bytea', (r) => r.udh], ['payload', 'bytea', (r) => r.payload], ['status', 'text', (r) => r.status],
  ['due_at', 'timestamptz', (r) => r.dueAt.toISOString()], ['charge', 'text', (r) => r.charge ?? null],
];

export async function insertParts(db: Executor, rows: NewPart[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`insert into message_parts (${columnNames(PART_INSERT)}) ${rowsSelect(rows, PART_INSERT)}`.execute(db);
}

export interface MessageRow {
  id: string;
  account_id: string;
  batch_id: string;
  hold_reference: string;
  client_reference: string | null;
  recipient: string;
  sender: string;
  body: string;
  encoding: 'gsm7' | 'ucs2';
  parts_count: number;
  price_per_part_minor: string;
  status: MessageStatus;
  error_code: string | null;
  send_at: Date;
  valid_until: Date;
  created_at: Date;
  updated_at: Date;
  final_at: Date | null;
  contact_id: string | null;
  list_id: string | null;
}

const MESSAGE_COLUMNS = sql`id, account_id, batch_id, hold_reference, client_reference, recipient, sender, body, encoding, parts_count,
  price_per_part_minor, status, error_code, send_at, valid_until, created_at, updated_at, final_at, contact_id, list_id`;

export async function findMessage(db: Executor, accountId: string, id: string, forUpdate = false): Promise<MessageRow | undefined> {
  const r = await sql<MessageRow>`select ${MESSAGE_COLUMNS} from messages where id = ${id} and account_id = ${accountId}
    ${forUpdate ? sql`for update` : sql``}`.execute(db);
  return r.rows[0];
}

export interface MessageFilter {
  status?: MessageStatus;
  recipient?: string;
  clientReference?: string;
  batchId?: string;
  /** By `send_at`: when the message went, or is to go, out. */
  from?: Date;
  to?: Date;
  /** The last row of the previous page. */
  after?: { sendAt: Date; id: string };
  limit: number;
}

/**
 * Newest first by the time the message goes out (what a list shows as its
 * time), the id breaking ties, so a scheduled message sits where its time
 * says and pages never skip or repeat a row.
 */
export async function listMessages(db: Executor, accountId: string, f: MessageFilter): Promise<MessageRow[]> {
  const r = await sql<MessageRow>`select ${MESSAGE_COLUMNS} from messages where account_id = ${accountId}
    ${f.status ? sql`and status = ${f.status}` : sql``}
    ${f.recipient ? sql`and recipient = ${f.recipient}` : sql``}
    ${f.clientReference ? sql`and client_reference = ${f.clientReference}` : sql``}
    ${f.batchId ? sql`and batch_id = ${f.batchId}` : sql``}
    ${f.from ? sql`and send_at >= ${f.from}` : sql``}
    ${f.to ? sql`and send_at < ${f.to}` : sql``}
    ${f.after ? sql`and (send_at, id) < (${f.after.sendAt}, ${f.after.id})` : sql``}
    order by send_at desc, id desc limit ${f.limit}`.execute(db);
  return r.rows;
}

export interface PartRow {
  id: string;
  seq: number;
  status: PartStatus;
  submits: number;
  connector_id: string | null;
  provider_message_id: string | null;
  error_code: string | null;
  submitted_at: Date | null;
  final_at: Date | null;
}

export async function listParts(db: Executor, messageId: string): Promise<PartRow[]> {
  const r = await sql<PartRow>`select id, seq, status, submits, connector_id, provider_message_id, error_code, submitted_at, final_at
    from message_parts where message_id = ${messageId} order by seq`.execute(db);
  return r.rows;
}

export async function listEvents(db: Executor, messageId: string): Promise<{ status: string; detail: string | null; at: Date }[]> {
  const r = await sql<{ status: string; detail: string | null; at: Date }>`select status, detail, at from message_events
    where message_id = ${messageId} order by id`.execute(db);
  return r.rows;
}

/** Removes messages written earlier in the same transaction whose send then failed; their parts go with them (a trigger). */
export async function deleteUncommittedMessages(db: Executor, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  await sql`delete from messages where id = any(${ids}::text[])`.execute(db);
}

/** Points messages at another hold: those of a group hold that had to be held send by send. */
export async function setHoldReferences(db: Executor, rows: { id: string; holdReference: string }[]): Promise<void> {
  if (rows.length === 0) return;
  await sql`update messages m set hold_reference = u.reference
    from unnest(${rows.map((r) => r.id)}::text[], ${rows.map((r) => r.holdReference)}::text[]) as u(id, reference)
    where m.id = u.id`.execute(db);
}

/** The latest message the account sent to `recipient` from `sender`: what a reply from there answers. */
export async function findLatestTo(db: Executor, accountId: string, recipient: string, sender: string): Promise<string | null> {
  const r = await sql<{ id: string }>`select id from messages
    where account_id = ${accountId} and recipient = ${recipient} and sender = ${sender}
    order by id desc limit 1`.execute(db);
  return r.rows[0]?.id ?? null;
}

/** Messages to `recipient` not sent yet, locked: an opt-out calls them back. */
export async function findPendingTo(db: Executor, accountId: string, recipient: string): Promise<{ id: string; hold_reference: string }[]> {
  const r = await sql<{ id: string; hold_reference: string }>`select id, hold_reference from messages
    where account_id = ${accountId} and recipient = ${recipient} and status in ('queued', 'scheduled') for update`.execute(db);
  return r.rows;
}

/**
 * Herald's own SMS keep no text once they are done (or past their validity):
 * a verification code must not be readable later, by anyone.
 */
export async function redactFinishedOwnMessages(db: Executor, accountId: string, redacted: string): Promise<number> {
  const r = await sql`with done as (
      update messages set body = ${redacted}
      where account_id = ${accountId} and body <> ${redacted} and (final_at is not null or valid_until < now())
      returning id)
    update message_parts p set payload = ''::bytea from done where p.message_id = done.id`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}
