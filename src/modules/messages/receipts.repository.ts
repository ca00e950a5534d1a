import { sql, type Executor } from '../../platform/db/index.js';
import { WRITTEN, type WrittenPart } from './progress.repository.js';
import type { PartStatus } from './status.js';

export interface ReceiptUpdate {
  connectorId: string;
  providerMessageId: string;
  status: PartStatus;
  errorCode: string | null;
}

type Key = { connectorId: string; providerMessageId: string };

/**
 * A centre's ids are unique only for a while (its counter restarts, wraps):
 * a receipt belongs to the most recent submit with its id on its connector.
 * `of` names the rows (receipts) with `connector_id` and `provider_message_id`.
 */
const latestPart = (of: 'u' | 'r') => sql`(select q.id from message_parts q
  where q.connector_id = ${sql.ref(`${of}.connector_id`)} and q.provider_message_id = ${sql.ref(`${of}.provider_message_id`)}
  order by q.submitted_at desc nulls last, q.id desc limit 1)`;

// A parked receipt older than this before a submit cannot be that submit's:
// it is an orphan that a reused id would otherwise wake up.
const PARKED_MATCH = sql`interval '1 hour'`;

// Receipts repeated by a centre come within minutes of the first.
const DUPLICATE_WINDOW = sql`interval '10 minutes'`;

const FINAL = sql`('unknown', 'delivered', 'undelivered', 'failed', 'expired', 'cancelled')`;

/** Applies receipts to the latest part with their id, where it can still move; returns the parts that moved. */
export async function applyReceiptRows(db: Executor, receipts: ReceiptUpdate[]): Promise<WrittenPart[]> {
  if (receipts.length === 0) return [];
  const col = <T>(f: (u: ReceiptUpdate) => T) => receipts.map(f);
  const r = await sql<WrittenPart>`
    update message_parts p set status = u.status, error_code = coalesce(u.error_code, p.error_code),
      final_at = case when u.status in ('delivered', 'undelivered', 'expired', 'failed', 'unknown') then now() else p.final_at end
    from unnest(${col((u) => u.connectorId)}::text[], ${col((u) => u.providerMessageId)}::text[], ${col((u) => u.status)}::text[],
      ${col((u) => u.errorCode)}::text[]) as u(connector_id, provider_message_id, status, error_code)
    where p.id = ${latestPart('u')} and p.status in ('submitted', 'sending', 'queued')
    returning ${WRITTEN}`.execute(db);
  return r.rows;
}

/**
 * Provider ids whose latest part became final lately: a receipt for it is a
 * duplicate or late and changes nothing. Only final parts count, because a
 * part that just became visible between two statements must not swallow its
 * receipt. A part final for longer than `DUPLICATE_WINDOW` does not count
 * either: its id is more likely reused by a submit whose answer is not
 * written yet, so the receipt is parked for it.
 */
export async function recentlyFinalProviderIds(db: Executor, keys: Key[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const r = await sql<{ k: string }>`select u.connector_id || ' ' || u.provider_message_id as k
    from unnest(${keys.map((k) => k.connectorId)}::text[], ${keys.map((k) => k.providerMessageId)}::text[]) as u(connector_id, provider_message_id)
    join message_parts p on p.id = ${latestPart('u')}
    where p.status in ${FINAL} and coalesce(p.final_at > now() - ${DUPLICATE_WINDOW}, true)`.execute(db);
  return new Set(r.rows.map((x) => x.k));
}

/**
 * Keeps receipts whose submit is not recorded (yet). A newer receipt replaces
 * one parked under the same id and state, which an id used before left.
 */
export async function parkReceipts(db: Executor, receipts: (ReceiptUpdate & { raw: string; doneAt: Date | null })[]): Promise<void> {
  // One row per key: a statement may not update the same row twice.
  const rows = [...new Map(receipts.map((r) => [`${r.connectorId} ${r.providerMessageId} ${r.status}`, r])).values()];
  if (rows.length === 0) return;
  const col = <T>(f: (u: (typeof rows)[number]) => T) => rows.map(f);
  await sql`insert into sms_receipts_parked (connector_id, provider_message_id, status, error_code, done_at, raw)
    select * from unnest(${col((r) => r.connectorId)}::text[], ${col((r) => r.providerMessageId)}::text[], ${col((r) => r.status)}::text[],
      ${col((r) => r.errorCode)}::text[], ${col((r) => r.doneAt?.toISOString() ?? null)}::timestamptz[], ${col((r) => r.raw)}::text[])
    on conflict (connector_id, provider_message_id, status) do update
      set error_code = excluded.error_code, done_at = excluded.done_at, raw = excluded.raw, received_at = now()`.execute(db);
}

/** Final states last, so an intermediate receipt never lands after a final one. */
function inOrder(rows: { connector_id: string; provider_message_id: string; status: PartStatus; error_code: string | null }[]): ReceiptUpdate[] {
  const rank = (s: string) => (s === 'submitted' ? 0 : 1);
  return rows
    .sort((a, b) => rank(a.status) - rank(b.status))
    .map((x) => ({ connectorId: x.connector_id, providerMessageId: x.provider_message_id, status: x.status, errorCode: x.error_code }));
}

/** Recent receipts that were waiting for these submits, removed as they are handed back. */
export async function takeParkedReceipts(db: Executor, keys: Key[]): Promise<ReceiptUpdate[]> {
  if (keys.length === 0) return [];
  const r = await sql<{ connector_id: string; provider_message_id: string; status: PartStatus; error_code: string | null }>`
    delete from sms_receipts_parked where (connector_id, provider_message_id) in
      (select * from unnest(${keys.map((k) => k.connectorId)}::text[], ${keys.map((k) => k.providerMessageId)}::text[]))
      and received_at > now() - ${PARKED_MATCH}
    returning connector_id, provider_message_id, status, error_code`.execute(db);
  return inOrder(r.rows);
}

/** Parked receipts whose part now has its provider id and can still move, removed as they are handed back. */
export async function takeMatchedParkedReceipts(db: Executor): Promise<ReceiptUpdate[]> {
  const r = await sql<{ connector_id: string; provider_message_id: string; status: PartStatus; error_code: string | null }>`
    delete from sms_receipts_parked r using message_parts p
    where p.id = ${latestPart('r')} and p.status not in ${FINAL} and r.received_at > p.submitted_at - ${PARKED_MATCH}
    returning r.connector_id, r.provider_message_id, r.status, r.error_code`.execute(db);
  return inOrder(r.rows);
}
