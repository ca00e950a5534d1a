import { sql, type Executor } from '../../platform/db/index.js';
import { openSecrets, type StoredSecret } from './secrets.js';

export interface LeasedDelivery {
  id: string;
  event_id: string;
  account_id: string;
  endpoint_id: string | null;
  url: string;
  attempts: number;
  payload: unknown;
  /** null for an endpoint's delivery, or when the account has no callback secret yet. */
  account_secrets: StoredSecret[] | null;
  endpoint_secrets: StoredSecret[] | null;
  endpoint_enabled: boolean | null;
}

/**
 * Leases due deliveries to this worker. The lease moves next_attempt_at on,
 * so a worker that dies mid-attempt leaves a delivery that comes due again by
 * itself; SKIP LOCKED lets workers lease side by side.
 */
export async function leaseDueDeliveries(db: Executor, now: Date, limit: number, leaseSeconds: number): Promise<LeasedDelivery[]> {
  const r = await sql<LeasedDelivery>`
    with leased as (
      update webhook_deliveries d set leased_until = ${now}::timestamptz + make_interval(secs => ${leaseSeconds}), next_attempt_at = ${now}::timestamptz + make_interval(secs => ${leaseSeconds})
      where d.id in (
        select id from webhook_deliveries where id in (
          -- At most two per receiver a round: a slow or dead endpoint's backlog
          -- must not fill every round and hold up everyone else's.
          select id from (
            select id, next_attempt_at, row_number() over (partition by coalesce(endpoint_id, url) order by next_attempt_at) as n
            from (select id, endpoint_id, url, next_attempt_at from webhook_deliveries
              where status = 'pending' and next_attempt_at <= ${now} order by next_attempt_at limit 1000) due
          ) ranked where n <= 2 order by next_attempt_at limit ${limit})
        for no key update skip locked)
      returning d.id, d.event_id, d.account_id, d.endpoint_id, d.url, d.attempts)
    -- An endpoint's URL as it is now: one changed since the event goes to the new address.
    select l.id, l.event_id, l.account_id, l.endpoint_id, coalesce(w.url, l.url) as url, l.attempts,
      e.payload, s.secrets as account_secrets, w.secrets as endpoint_secrets, w.enabled as endpoint_enabled
    from leased l join webhook_events e on e.id = l.event_id
    left join webhook_endpoints w on w.id = l.endpoint_id
    left join webhook_account_secrets s on s.account_id = l.account_id and l.endpoint_id is null`.execute(db);
  return r.rows.map((d) => ({
    ...d,
    account_secrets: d.account_secrets && openSecrets(d.account_secrets),
    endpoint_secrets: d.endpoint_secrets && openSecrets(d.endpoint_secrets),
  }));
}

export interface AttemptRecord {
  deliveryId: string;
  attemptedAt: Date;
  statusCode: number | null;
  latencyMs: number;
  responseStart: string;
  error: string | null;
  /** What becomes of the delivery: another attempt at `nextAttemptAt`, or an end. */
  outcome: { status: 'pending'; nextAttemptAt: Date } | { status: 'succeeded' | 'failed'; at: Date };
}

/** Logs one attempt and moves its delivery on, in one statement. */
export async function recordAttempt(db: Executor, a: AttemptRecord): Promise<void> {
  const pending = a.outcome.status === 'pending';
  const next = a.outcome.status === 'pending' ? a.outcome.nextAttemptAt : null;
  const finished = a.outcome.status === 'pending' ? null : a.outcome.at;
  // Postgres text refuses NUL; a receiver may well send one.
  const start = a.responseStart.replaceAll('\u0000', '\uFFFD');
  await sql`with attempt as (
      insert into webhook_attempts (delivery_id, attempted_at, status_code, latency_ms, response_start, error)
      values (${a.deliveryId}, ${a.attemptedAt}, ${a.statusCode}, ${a.latencyMs}, ${start}, ${a.error}))
    update webhook_deliveries set attempts = attempts + 1, status = ${a.outcome.status}, next_attempt_at = ${next},
      leased_until = null, finished_at = ${finished},
      last_error = ${pending || a.outcome.status === 'failed' ? (a.error ?? `HTTP ${a.statusCode}`) : null}
    where id = ${a.deliveryId}`.execute(db);
}

/** Ends a delivery without an attempt (its endpoint was disabled after it was leased). */
export async function endDelivery(db: Executor, id: string, reason: string, at: Date): Promise<void> {
  await sql`update webhook_deliveries set status = 'failed', next_attempt_at = null, leased_until = null, last_error = ${reason}, finished_at = ${at}
    where id = ${id}`.execute(db);
}

export interface DeliveryRow {
  id: string;
  event_id: string;
  event_type: string;
  endpoint_id: string | null;
  url: string;
  status: 'pending' | 'succeeded' | 'failed';
  attempts: number;
  next_attempt_at: Date | null;
  last_error: string | null;
  created_at: Date;
  finished_at: Date | null;
}

export interface AttemptRow {
  attempted_at: Date;
  status_code: number | null;
  latency_ms: number;
  response_start: string | null;
  error: string | null;
}

const DELIVERY_COLUMNS = sql`d.id, d.event_id, e.type as event_type, d.endpoint_id, d.url, d.status, d.attempts, d.next_attempt_at, d.last_error, d.created_at, d.finished_at`;

/** Newest first; `before` is the last id of the previous page. */
export async function listDeliveryRows(db: Executor, accountId: string, endpointId: string, before: string | null, limit: number): Promise<DeliveryRow[]> {
  const r = await sql<DeliveryRow>`select ${DELIVERY_COLUMNS} from webhook_deliveries d join webhook_events e on e.id = d.event_id
    where d.account_id = ${accountId} and d.endpoint_id = ${endpointId} ${before ? sql`and d.id < ${before}` : sql``}
    order by d.id desc limit ${limit}`.execute(db);
  return r.rows;
}

export async function listEventDeliveryRows(db: Executor, accountId: string, eventId: string): Promise<DeliveryRow[]> {
  const r = await sql<DeliveryRow>`select ${DELIVERY_COLUMNS} from webhook_deliveries d join webhook_events e on e.id = d.event_id
    where d.account_id = ${accountId} and d.event_id = ${eventId} order by d.id`.execute(db);
  return r.rows;
}

export async function findDeliveryRow(db: Executor, accountId: string, id: string): Promise<DeliveryRow | undefined> {
  const r = await sql<DeliveryRow>`select ${DELIVERY_COLUMNS} from webhook_deliveries d join webhook_events e on e.id = d.event_id
    where d.account_id = ${accountId} and d.id = ${id}`.execute(db);
  return r.rows[0];
}

export async function listAttemptRows(db: Executor, deliveryId: string): Promise<AttemptRow[]> {
  const r = await sql<AttemptRow>`select attempted_at, status_code, latency_ms, response_start, error from webhook_attempts
    where delivery_id = ${deliveryId} order by id`.execute(db);
  return r.rows;
}

export interface EventRow {
  id: string;
  type: string;
  payload: { type: string; timestamp: string; data: Record<string, unknown> };
  created_at: Date;
}

export async function listEventRows(db: Executor, accountId: string, filter: { type?: string; before: string | null; limit: number }): Promise<EventRow[]> {
  const r = await sql<EventRow>`select id, type, payload, created_at from webhook_events where account_id = ${accountId}
    ${filter.type ? sql`and type = ${filter.type}` : sql``} ${filter.before ? sql`and id < ${filter.before}` : sql``}
    order by id desc limit ${filter.limit}`.execute(db);
  return r.rows;
}

export async function findEventRow(db: Executor, accountId: string, id: string): Promise<EventRow | undefined> {
  const r = await sql<EventRow>`select id, type, payload, created_at from webhook_events where account_id = ${accountId} and id = ${id}`.execute(db);
  return r.rows[0];
}

/** Where a replay goes without a named endpoint: subscribed endpoints now, and the URLs the event first went to. */
export async function replayReceivers(db: Executor, accountId: string, eventId: string, type: string): Promise<{ endpoint_id: string | null; url: string }[]> {
  const r = await sql<{ endpoint_id: string | null; url: string }>`
    select id as endpoint_id, url from webhook_endpoints where account_id = ${accountId} and enabled and ${type} = any(events)
    union
    select distinct null, url from webhook_deliveries where event_id = ${eventId} and endpoint_id is null`.execute(db);
  return r.rows;
}
