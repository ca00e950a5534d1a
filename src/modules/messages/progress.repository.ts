import { sql, type Executor } from '../../platform/db/index.js';
import { aggregateStatus, FINAL_MESSAGE, type MessageStatus, type PartStatus } from './status.js';

export interface ClaimedPart {
  id: string;
  message_id: string;
  seq: number;
  data_coding: number;
  udh: Buffer | null;
  payload: Buffer;
  submits: number;
  unknowns: number;
  account_id: string;
  hold_reference: string;
  recipient: string;
  sender: string;
  sender_ton: number;
  sender_npi: number;
  valid_until: Date;
  /** The lease as text, exact to the microsecond: the token that the round's write must still match. */
  lease: string;
}

/**
 * Leases due parts to this worker. SKIP LOCKED lets workers claim side by
 * side; the lease lets the sweeper hand a dead worker's parts on.
 */
export async function claimDueParts(db: Executor, limit: number, leaseSeconds: number): Promise<ClaimedPart[]> {
  const r = await sql<ClaimedPart>`
    with claimed as (
      update message_parts p set status = 'sending', lease_until = now() + make_interval(secs => ${leaseSeconds}), submits = p.submits + 1
      where p.id in (
        select id from message_parts
        where status in ('queued', 'scheduled') and due_at <= now()
        order by due_at limit ${limit}
        for update skip locked)
      returning p.id, p.message_id, p.seq, p.data_coding, p.udh, p.payload, p.submits, p.unknowns, p.lease_until::text as lease)
    select c.*, m.account_id, m.hold_reference, m.recipient, m.sender, m.sender_ton, m.sender_npi, m.valid_until
    from claimed c join messages m on m.id = c.message_id`.execute(db);
  return r.rows;
}

export interface PartUpdate {
  id: string;
  /** The lease the part was taken under: a part whose lease was taken over since is not written. */
  lease: string;
  status: PartStatus;
  connectorId?: string | null;
  providerMessageId?: string | null;
  errorCode?: string | null;
  /** For parts going back to the queue. */
  dueAt?: Date | null;
  /** Counts one more uncertain submit (resubmitted at most once). */
  unknown?: boolean;
  /** A throttled submit is no attempt of the message's. */
  uncount?: boolean;
}

/**
 * A part as this transaction wrote it. The transaction holds the row until it
 * commits, so this is the part's state, with no need to read it back.
 */
export interface WrittenPart {
  id: string;
  message_id: string;
  status: PartStatus;
  error_code: string | null;
  connector_id: string | null;
  provider_message_id: string | null;
}
export const WRITTEN = sql`p.id, p.message_id, p.status, p.error_code, p.connector_id, p.provider_message_id`;

/**
 * Records what became of leased parts; returns the parts written. A part whose
 * lease ran out and was taken over (by the sweeper, then maybe another round)
 * is left alone, so that it is recorded, and charged, once.
 */
export async function updateParts(db: Executor, updates: PartUpdate[]): Promise<WrittenPart[]> {
  if (updates.length === 0) return [];
  const col = <T>(f: (u: PartUpdate) => T) => updates.map(f);
  const r = await sql<WrittenPart>`
    update message_parts p set
      status = u.status,
      connector_id = coalesce(u.connector_id, p.connector_id),
      provider_message_id = coalesce(u.provider_message_id, p.provider_message_id),
      error_code = coalesce(u.error_code, p.error_code),
      due_at = coalesce(u.due_at, p.due_at),
      unknowns = p.unknowns + case when u.unknown then 1 else 0 end,
      submits = p.submits - case when u.uncount then 1 else 0 end,
      lease_until = null,
      submitted_at = case when u.status = 'submitted' then now() else p.submitted_at end,
      final_at = case when u.status in ('unknown', 'delivered', 'undelivered', 'failed', 'expired', 'cancelled') then now() else null end
    from unnest(${col((u) => u.id)}::bigint[], ${col((u) => u.status)}::text[], ${col((u) => u.connectorId ?? null)}::text[],
      ${col((u) => u.providerMessageId ?? null)}::text[], ${col((u) => u.errorCode ?? null)}::text[],
      ${col((u) => u.dueAt?.toISOString() ?? null)}::timestamptz[], ${col((u) => u.unknown ?? false)}::boolean[],
      ${col((u) => u.uncount ?? false)}::boolean[], ${col((u) => u.lease)}::timestamptz[])
      as u(id, status, connector_id, provider_message_id, error_code, due_at, unknown, uncount, lease)
    where p.id = u.id and p.status = 'sending' and p.lease_until = u.lease
    returning ${WRITTEN}`.execute(db);
  return r.rows;
}

/**
 * Extends the leases a round still holds, each only if it is still the one
 * given (a lapsed one may have been handed on); returns the new leases, the
 * round's new tokens.
 */
export async function renewLeases(db: Executor, leases: { id: string; lease: string }[], leaseSeconds: number): Promise<{ id: string; lease: string }[]> {
  if (leases.length === 0) return [];
  // In id order, so that two renewals never lock the same rows the other way round.
  const sorted = [...leases].sort((a, b) => Number(a.id) - Number(b.id));
  const r = await sql<{ id: string; lease: string }>`
    update message_parts p set lease_until = now() + make_interval(secs => ${leaseSeconds})
    from unnest(${sorted.map((l) => l.id)}::bigint[], ${sorted.map((l) => l.lease)}::timestamptz[]) as u(id, lease)
    where p.id = u.id and p.status = 'sending' and p.lease_until = u.lease
    returning p.id, p.lease_until::text as lease`.execute(db);
  return r.rows.map((x) => ({ id: String(x.id), lease: x.lease }));
}

/** Parts of a dead worker's lease: sent or not, nobody knows. */
export async function takeExpiredLeases(db: Executor, limit: number): Promise<{ id: string; message_id: string; unknowns: number; lease: string }[]> {
  const r = await sql<{ id: string; message_id: string; unknowns: number; lease: string }>`
    select p.id, p.message_id, p.unknowns, p.lease_until::text as lease from message_parts p
    where p.status = 'sending' and p.lease_until < now()
    order by p.lease_until limit ${limit} for update skip locked`.execute(db);
  return r.rows;
}

/**
 * Unsent parts of messages that failed elsewhere or ran out of validity.
 * `refunded`: the caller refunds them itself, in this transaction; else the
 * charge job does.
 */
export async function cancelPendingParts(db: Executor, messageIds: string[], refunded: boolean): Promise<{ id: string; message_id: string; hold_reference: string }[]> {
  if (messageIds.length === 0) return [];
  const r = await sql<{ id: string; message_id: string; hold_reference: string }>`
    update message_parts p set status = 'cancelled', final_at = now(), lease_until = null, charge = ${refunded ? 'refunded' : null}
    from messages m where m.id = p.message_id and p.message_id = any(${messageIds}::text[]) and p.status in ('queued', 'scheduled')
    returning p.id, p.message_id, m.hold_reference`.execute(db);
  return r.rows;
}

/** A message whose status changed, with what its webhook event reports. */
export interface MessageChange {
  id: string;
  status: MessageStatus;
  previous: MessageStatus;
  account_id: string;
  recipient: string;
  sender: string;
  client_reference: string | null;
  parts_count: number;
  /** The code of a part that ended in the message's status, if any. */
  error_code: string | null;
  contact_id: string | null;
  list_id: string | null;
  callback_url: string | null;
}

/**
 * Brings each message's state in line with its parts; `detail` records the
 * change as a history event. `written`: parts this transaction wrote, latest
 * last; a one-part message whose part is among them is not read back, which
 * spares the most expensive read of a dispatch round or a receipt batch.
 */
export async function recomputeMessages(db: Executor, messageIds: string[], detail: string | null = null, written: WrittenPart[] = []): Promise<MessageChange[]> {
  const ids = [...new Set(messageIds)];
  if (ids.length === 0) return [];
  const known = new Map(written.map((w) => [w.message_id, w]));
  // Two transactions that each end one part of a long message (receipts on two
  // workers' binds, or two batches) would each read the other's part as it was
  // and neither would end the message. The second waits here for the first to
  // commit; its read below, a statement of its own, then sees both parts. In id
  // order, so that two such transactions never deadlock on each other.
  await sql`select id from messages where id = any(${ids}::text[]) and parts_count > 1 order by id for update`.execute(db);
  // The columns of the changes' webhook events come with this read, so that
  // reporting a change costs no statement of its own.
  const r = await sql<Omit<MessageChange, 'status' | 'previous' | 'error_code'> & { status: MessageStatus; parts: { s: PartStatus[]; c: (string | null)[] } | null }>`
    select m.id, m.status, m.account_id, m.recipient, m.sender, m.client_reference, m.parts_count, m.contact_id, m.list_id, m.callback_url,
      case when m.parts_count = 1 and m.id = any(${[...known.keys()]}::text[]) then null else
        (select json_build_object('s', array_agg(p.status order by p.seq), 'c', array_agg(p.error_code order by p.seq))
         from message_parts p where p.message_id = m.id) end as parts
    from messages m where m.id = any(${ids}::text[])`.execute(db);
  const changes = r.rows.flatMap(({ parts: read, status: from, ...m }) => {
    const own = read ? null : known.get(m.id)!;
    const parts = own ? [own.status] : read!.s;
    const codes = own ? [own.error_code] : read!.c;
    if (!parts) return [];
    const to = aggregateStatus(parts);
    const error_code = codes.find((c, i) => c !== null && parts[i] === to) ?? null;
    return to === from ? [] : [{ ...m, previous: from, status: to, error_code }];
  });
  if (changes.length === 0) return [];
  const col = <T>(f: (c: (typeof changes)[number]) => T) => changes.map(f);
  await sql`
    update messages m set status = c.status, updated_at = now(), final_at = case when c.final then now() else null end
    from unnest(${col((c) => c.id)}::text[], ${col((c) => c.status)}::text[], ${col((c) => FINAL_MESSAGE.has(c.status))}::boolean[]) as c(id, status, final)
    where m.id = c.id`.execute(db);
  // The ordinary path (submitted, delivered…) is read from the rows
  // themselves; only a change with a reason of its own is an event.
  if (detail !== null) {
    await sql`insert into message_events (message_id, status, detail)
      select * from unnest(${col((c) => c.id)}::text[], ${col((c) => c.status)}::text[], ${col(() => detail)}::text[])`.execute(db);
  }
  return changes;
}

/**
 * Parts the centre took but never reported on, well past their validity:
 * nobody will tell us more, so they end `unknown` (they stay charged).
 */
export async function closeSilentParts(db: Executor, graceMinutes: number, limit: number): Promise<string[]> {
  const r = await sql<{ message_id: string }>`
    update message_parts p set status = 'unknown', final_at = now(), error_code = coalesce(p.error_code, 'no_receipt')
    where p.id in (
      select p2.id from message_parts p2 join messages m on m.id = p2.message_id
      where p2.status = 'submitted' and m.valid_until < now() - make_interval(mins => ${graceMinutes})
      limit ${limit} for update of p2 skip locked)
    returning p.message_id`.execute(db);
  return r.rows.map((x) => x.message_id);
}
