import { sql, type Executor } from '../../platform/db/index.js';

export interface ReceivingEndpoint {
  id: string;
  account_id: string;
  url: string;
  events: string[];
}

/**
 * Enabled endpoints of these accounts; matching types is left to the caller.
 * Key-share locked: an endpoint deleted meanwhile would otherwise fail the
 * delivery insert, and with it the dispatch commit that emits the event.
 */
export async function findEnabledEndpoints(db: Executor, accountIds: string[]): Promise<ReceivingEndpoint[]> {
  const r = await sql<ReceivingEndpoint>`select id, account_id, url, events from webhook_endpoints
    where account_id = any(${accountIds}::text[]) and enabled for key share`.execute(db);
  return r.rows;
}

export interface EventInsert {
  id: string;
  account_id: string;
  type: string;
  payload: unknown;
  created_at: string;
}

export interface DeliveryInsert {
  id: string;
  event_id: string;
  account_id: string;
  endpoint_id: string | null;
  url: string;
}

/**
 * Events and their deliveries in one statement, due at the events' time: the
 * deliverer's clock is this process's, not the database's, so that tests can
 * drive it. The foreign key from a
 * delivery to its event is checked at the end of the statement, after the
 * CTE's insert, so both go in together.
 */
export async function insertEventsAndDeliveries(db: Executor, events: EventInsert[], deliveries: DeliveryInsert[]): Promise<void> {
  if (events.length === 0) return;
  await sql`with e as (
      insert into webhook_events (id, account_id, type, payload, created_at)
      select id, account_id, type, payload, created_at
      from jsonb_to_recordset(${JSON.stringify(events)}::jsonb) as x(id text, account_id text, type text, payload jsonb, created_at timestamptz)
      returning 1
    )
    insert into webhook_deliveries (id, event_id, account_id, endpoint_id, url, status, next_attempt_at)
    select id, event_id, account_id, endpoint_id, url, 'pending', ${events[0]!.created_at}::timestamptz
    from jsonb_to_recordset(${JSON.stringify(deliveries)}::jsonb) as x(id text, event_id text, account_id text, endpoint_id text, url text)`.execute(db);
}

/** Deliveries of events already stored: a replay. */
export async function insertDeliveries(db: Executor, deliveries: DeliveryInsert[], dueAt: Date): Promise<void> {
  if (deliveries.length === 0) return;
  await sql`insert into webhook_deliveries (id, event_id, account_id, endpoint_id, url, status, next_attempt_at)
    select id, event_id, account_id, endpoint_id, url, 'pending', ${dueAt}
    from jsonb_to_recordset(${JSON.stringify(deliveries)}::jsonb) as x(id text, event_id text, account_id text, endpoint_id text, url text)`.execute(db);
}

/** Events older than `before` with nothing left to deliver, a slice at a time; their deliveries and attempts go with them. */
export async function deleteOldEvents(db: Executor, before: Date, limit: number): Promise<number> {
  const r = await sql`delete from webhook_events where id in (
    select e.id from webhook_events e where e.created_at < ${before}
      and not exists (select 1 from webhook_deliveries d where d.event_id = e.id and d.status = 'pending')
    limit ${limit})`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}
