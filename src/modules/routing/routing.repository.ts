import { sql, type Executor } from '../../platform/db/index.js';

export interface ConnectorRow {
  id: string;
  provider: string;
  config: Record<string, unknown>;
  enabled: boolean;
  updated_at: Date;
}

export interface RouteRow {
  prefix: string;
  connector_id: string;
  priority: number;
}

export async function upsertConnector(db: Executor, c: { id: string; provider: string; config: object; enabled: boolean }): Promise<ConnectorRow> {
  const r = await sql<ConnectorRow>`
    insert into sms_connectors (id, provider, config, enabled) values (${c.id}, ${c.provider}, ${JSON.stringify(c.config)}::jsonb, ${c.enabled})
    on conflict (id) do update set provider = excluded.provider, config = excluded.config, enabled = excluded.enabled, updated_at = now()
    returning id, provider, config, enabled, updated_at`.execute(db);
  return r.rows[0]!;
}

export async function selectConnectors(db: Executor): Promise<ConnectorRow[]> {
  return (await sql<ConnectorRow>`select id, provider, config, enabled, updated_at from sms_connectors order by id`.execute(db)).rows;
}

export async function deleteConnector(db: Executor, id: string): Promise<boolean> {
  const r = await sql`delete from sms_connectors where id = ${id}`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

export async function selectRoutes(db: Executor): Promise<RouteRow[]> {
  return (await sql<RouteRow>`select prefix, connector_id, priority from sms_routes order by prefix, priority desc`.execute(db)).rows;
}

export async function replaceRoutes(db: Executor, routes: RouteRow[]): Promise<void> {
  await sql`delete from sms_routes`.execute(db);
  if (routes.length === 0) return;
  await sql`insert into sms_routes (prefix, connector_id, priority)
    select * from unnest(${routes.map((r) => r.prefix)}::text[], ${routes.map((r) => r.connector_id)}::text[], ${routes.map((r) => r.priority)}::int[])`.execute(db);
}

export async function ensureRoute(db: Executor, route: RouteRow): Promise<void> {
  await sql`insert into sms_routes (prefix, connector_id, priority) values (${route.prefix}, ${route.connector_id}, ${route.priority})
    on conflict do nothing`.execute(db);
}
