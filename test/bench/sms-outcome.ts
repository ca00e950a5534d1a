// What a phase of bench:sms achieved, read back from the database: when its
// last message was delivered AND charged, how many were delivered, and what
// went wrong. Phases run one after the other, so whatever is still queued,
// being sent or waiting for its charge belongs to the phase being measured.
import { sql, type Executor } from '../../src/platform/db/index.js';

/** How often the end is looked for: the end time is late by at most this plus one query. */
export const SETTLE_POLL_MS = 100;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Waits until no part is queued, being sent or waiting for the charge job,
 * and every message of `accountIds` is final. The end is the moment the
 * answer saying so arrived: an upper bound on when the last charge and the
 * last receipt committed (the start of the last transaction, which a
 * timestamp column would give, is earlier than its commit and so flatters).
 * One statement per poll, so all of it is read from one snapshot. The cursor
 * is the oldest message not final at the last look (final is forever).
 */
export async function waitSettled(db: Executor, accountIds: string[], deadline: number): Promise<{ done: boolean; endAt: number }> {
  let cursor = '';
  for (;;) {
    // The three partial indexes of parts (due, leased, to charge) answer "anything left?" without a scan.
    const r = await sql<{ busy: boolean; pending: string | null }>`
      with b as (
        select exists (select 1 from message_parts where status in ('queued', 'scheduled'))
          or exists (select 1 from message_parts where status = 'sending')
          or exists (select 1 from message_parts where charge is null
                     and status in ('submitted', 'delivered', 'undelivered', 'unknown', 'failed', 'expired', 'cancelled')) as busy)
      select b.busy, case when b.busy then null else (
        select id from messages where account_id = any(${accountIds}::text[]) and id >= ${cursor} and final_at is null order by id limit 1) end as pending
      from b`.execute(db);
    const endAt = Date.now();
    const row = r.rows[0]!;
    if (!row.busy && row.pending === null) return { done: true, endAt };
    if (row.pending) cursor = row.pending;
    if (endAt > deadline) return { done: false, endAt };
    await sleep(SETTLE_POLL_MS);
  }
}

export interface PhaseOutcome {
  messages: number;
  /** Delivered, with every part settled in the ledger: the only messages a throughput counts. */
  delivered: number;
  /** Messages by status (delivered included). */
  statuses: Record<string, number>;
  /** Final but not delivered (failed, undelivered, expired, unknown, …): errors, counted apart. */
  notDelivered: Record<string, number>;
  /** Parts by charge state (`uncharged` while the charge job has not run for them). */
  parts: Record<string, number>;
  /** Parts the ledger settled for these accounts; equals `parts.settled` when parts and ledger agree. */
  ledgerSettledParts: number;
}

/** Read in one snapshot, so that parts and ledger agree even while the charge job still runs (a capped phase). */
export function phaseOutcome(db: Executor, accountIds: string[]): Promise<PhaseOutcome> {
  return db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute((tx) => readOutcome(tx, accountIds));
}

async function readOutcome(db: Executor, accountIds: string[]): Promise<PhaseOutcome> {
  const ids = sql`${accountIds}::text[]`;
  const byStatus = await sql<{ status: string; n: number; charged: number }>`
    select m.status, count(*)::int as n,
      count(*) filter (where not exists (select 1 from message_parts p where p.message_id = m.id and p.charge is distinct from 'settled'))::int as charged
    from messages m where m.account_id = any(${ids}) group by m.status`.execute(db);
  const byCharge = await sql<{ charge: string | null; n: number }>`
    select p.charge, count(*)::int as n from message_parts p join messages m on m.id = p.message_id
    where m.account_id = any(${ids}) group by p.charge`.execute(db);
  const ledger = await sql<{ n: string }>`
    select coalesce(sum(quota_parts + provision_parts), 0)::text as n from ledger_transactions
    where account_id = any(${ids}) and kind = 'settle'`.execute(db);
  const statuses: Record<string, number> = {};
  const notDelivered: Record<string, number> = {};
  let messages = 0;
  let delivered = 0;
  for (const row of byStatus.rows) {
    messages += row.n;
    statuses[row.status] = row.n;
    if (row.status === 'delivered') delivered = row.charged;
    else if (!['queued', 'scheduled', 'sending', 'submitted'].includes(row.status)) notDelivered[row.status] = row.n;
  }
  return {
    messages,
    delivered,
    statuses,
    notDelivered,
    parts: Object.fromEntries(byCharge.rows.map((r) => [r.charge ?? 'uncharged', r.n])),
    ledgerSettledParts: Number(ledger.rows[0]?.n ?? 0),
  };
}

/**
 * How the worker moved the accounts' parts, read back from timestamps:
 * `submitted_at` is the start of the dispatcher's write transaction (one value
 * per dispatch round), `final_at` the start of the receipt's transaction.
 */
export async function pipelineOf(db: Executor, accountIds: string[]): Promise<Record<string, unknown>> {
  const r = await sql<Record<string, string | null>>`
    with p as (
      select m.created_at, p.submitted_at, p.final_at from message_parts p join messages m on m.id = p.message_id
      where m.account_id = any(${accountIds}::text[]) and p.submitted_at is not null
    ), rounds as (
      select submitted_at, count(*) as n from p group by submitted_at
    ), gaps as (
      select extract(epoch from submitted_at - lag(submitted_at) over (order by submitted_at)) * 1000 as ms from rounds
    )
    select
      (select count(*) from rounds)::text as dispatch_rounds,
      (select round(avg(n), 1) from rounds)::text as parts_per_round,
      (select max(n) from rounds)::text as max_parts_per_round,
      (select round(percentile_cont(0.5) within group (order by ms)::numeric, 1) from gaps where ms is not null)::text as round_interval_p50_ms,
      (select round(percentile_cont(0.5) within group (order by extract(epoch from submitted_at - created_at) * 1000)::numeric, 1) from p)::text as queue_wait_p50_ms,
      (select round(percentile_cont(0.99) within group (order by extract(epoch from submitted_at - created_at) * 1000)::numeric, 1) from p)::text as queue_wait_p99_ms,
      (select round(percentile_cont(0.5) within group (order by extract(epoch from final_at - submitted_at) * 1000)::numeric, 1) from p)::text as submit_to_receipt_stored_p50_ms,
      (select round(percentile_cont(0.99) within group (order by extract(epoch from final_at - submitted_at) * 1000)::numeric, 1) from p)::text as submit_to_receipt_stored_p99_ms,
      (select count(distinct final_at) from p)::text as receipt_transactions`.execute(db);
  return Object.fromEntries(Object.entries(r.rows[0] ?? {}).map(([k, v]) => [k, v === null ? null : Number(v)]));
}
