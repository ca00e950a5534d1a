import { sql, type Executor } from '../../platform/db/index.js';

/** What one worker's running connector said about itself. */
export interface StatusReport {
  connectorId: string;
  bindsUp: number;
  bindsWanted: number;
  inFlight: number;
  lastError: string | null;
}

/** An enabled connector's state, summed over the workers that reported lately. */
export interface ConnectorHealthRow {
  id: string;
  binds_up: number;
  binds_wanted: number;
  in_flight: number;
  workers: number;
  last_error: string | null;
  reported_at: Date | null;
}

/** Due parts per connector they are routed to first (null: no route), and how long the oldest has waited. */
export interface QueueRow {
  connector_id: string | null;
  due_parts: number;
  oldest_due_seconds: number;
}

/** Replaces this worker's rows with `reports`; connectors it no longer runs lose theirs. */
export async function replaceStatusRows(db: Executor, workerId: string, reports: StatusReport[]): Promise<void> {
  await sql`delete from sms_connector_status where worker_id = ${workerId}
    and connector_id <> all(${reports.map((r) => r.connectorId)}::text[])`.execute(db);
  if (reports.length === 0) return;
  await sql`insert into sms_connector_status (connector_id, worker_id, binds_up, binds_wanted, in_flight, last_error)
    select c, ${workerId}, u, w, f, e from unnest(${reports.map((r) => r.connectorId)}::text[], ${reports.map((r) => r.bindsUp)}::int[],
      ${reports.map((r) => r.bindsWanted)}::int[], ${reports.map((r) => r.inFlight)}::int[], ${reports.map((r) => r.lastError)}::text[]) as t(c, u, w, f, e)
    where exists (select 1 from sms_connectors where id = c)
    on conflict (connector_id, worker_id) do update set binds_up = excluded.binds_up, binds_wanted = excluded.binds_wanted,
      in_flight = excluded.in_flight, last_error = excluded.last_error, reported_at = now()`.execute(db);
}

export async function deleteStatusRows(db: Executor, workerId: string): Promise<void> {
  await sql`delete from sms_connector_status where worker_id = ${workerId}`.execute(db);
}

/** Rows of workers gone for good (killed, not stopped) would otherwise stay. */
export async function deleteStaleStatusRows(db: Executor, olderThanSeconds: number): Promise<void> {
  await sql`delete from sms_connector_status where reported_at < now() - make_interval(secs => ${olderThanSeconds})`.execute(db);
}

/** Every enabled connector, with what workers reported within `freshSeconds` (none: nobody runs it). */
export async function readHealthRows(db: Executor, freshSeconds: number): Promise<ConnectorHealthRow[]> {
  const r = await sql<ConnectorHealthRow>`
    select c.id, coalesce(sum(s.binds_up), 0)::int as binds_up, coalesce(sum(s.binds_wanted), 0)::int as binds_wanted,
      coalesce(sum(s.in_flight), 0)::int as in_flight, count(s.worker_id)::int as workers,
      (array_agg(s.last_error order by s.reported_at desc) filter (where s.last_error is not null))[1] as last_error,
      max(s.reported_at) as reported_at
    from sms_connectors c
    left join sms_connector_status s on s.connector_id = c.id and s.reported_at > now() - make_interval(secs => ${freshSeconds})
    where c.enabled
    group by c.id order by c.id`.execute(db);
  return r.rows;
}

/**
 * Due parts by the connector dispatch tries first for them: a part tried
 * before keeps its connector; a new one goes by its recipient's longest
 * matching prefix, then priority (as `routeFor` does).
 */
export async function readQueueRows(db: Executor): Promise<QueueRow[]> {
  const r = await sql<QueueRow>`
    with due as (
      select p.connector_id, m.recipient, p.due_at from message_parts p join messages m on m.id = p.message_id
      where p.status in ('queued', 'scheduled') and p.due_at <= now()
    )
    select coalesce(d.connector_id, r.connector_id) as connector_id, count(*)::int as due_parts,
      extract(epoch from now() - min(d.due_at))::float8 as oldest_due_seconds
    from due d
    left join lateral (
      select connector_id from sms_routes where starts_with(d.recipient, prefix) order by length(prefix) desc, priority desc limit 1
    ) r on d.connector_id is null
    group by 1`.execute(db);
  return r.rows;
}
