import { sql, type Executor } from '../../platform/db/index.js';
import { openSecrets, sealSecrets, type StoredSecret } from './secrets.js';

export interface EndpointRow {
  id: string;
  account_id: string;
  url: string;
  description: string | null;
  events: string[];
  secrets: StoredSecret[];
  enabled: boolean;
  disabled_reason: string | null;
  failing_since: Date | null;
  created_at: Date;
  updated_at: Date;
}

const opened = (row: EndpointRow): EndpointRow => ({ ...row, secrets: openSecrets(row.secrets) });

const COLUMNS = sql`id, account_id, url, description, events, secrets, enabled, disabled_reason, failing_since, created_at, updated_at`;

export async function insertEndpoint(db: Executor, row: { id: string; accountId: string; url: string; description: string | null; events: string[]; secrets: StoredSecret[] }): Promise<EndpointRow> {
  const r = await sql<EndpointRow>`insert into webhook_endpoints (id, account_id, url, description, events, secrets)
    values (${row.id}, ${row.accountId}, ${row.url}, ${row.description}, ${row.events}::text[], ${JSON.stringify(sealSecrets(row.secrets))}::jsonb)
    returning ${COLUMNS}`.execute(db);
  return opened(r.rows[0]!);
}

export async function countEndpoints(db: Executor, accountId: string): Promise<number> {
  const r = await sql<{ n: number }>`select count(*)::int as n from webhook_endpoints where account_id = ${accountId}`.execute(db);
  return r.rows[0]!.n;
}

export async function findEndpoint(db: Executor, accountId: string, id: string, forUpdate = false): Promise<EndpointRow | undefined> {
  const r = await sql<EndpointRow>`select ${COLUMNS} from webhook_endpoints where id = ${id} and account_id = ${accountId}
    ${forUpdate ? sql`for no key update` : sql``}`.execute(db);
  return r.rows[0] && opened(r.rows[0]);
}

export async function listEndpointRows(db: Executor, accountId: string): Promise<EndpointRow[]> {
  const r = await sql<EndpointRow>`select ${COLUMNS} from webhook_endpoints where account_id = ${accountId} order by id`.execute(db);
  return r.rows.map(opened);
}

export interface EndpointPatch {
  url?: string;
  events?: string[];
  description?: string | null;
  enabled?: boolean;
  secrets?: StoredSecret[];
}

/** Re-enabling starts afresh: no reason, no failing streak. */
export async function updateEndpointRow(db: Executor, accountId: string, id: string, patch: EndpointPatch): Promise<EndpointRow | undefined> {
  const r = await sql<EndpointRow>`update webhook_endpoints set
      url = coalesce(${patch.url ?? null}, url),
      events = coalesce(${patch.events ?? null}::text[], events),
      description = ${patch.description === undefined ? sql`description` : sql`${patch.description}`},
      secrets = coalesce(${patch.secrets ? JSON.stringify(sealSecrets(patch.secrets)) : null}::jsonb, secrets),
      enabled = coalesce(${patch.enabled ?? null}::boolean, enabled),
      disabled_reason = case ${patch.enabled ?? null}::boolean when true then null when false then 'disabled by the account' else disabled_reason end,
      failing_since = case when ${patch.enabled ?? null}::boolean then null else failing_since end,
      updated_at = now()
    where id = ${id} and account_id = ${accountId}
    returning ${COLUMNS}`.execute(db);
  return r.rows[0] && opened(r.rows[0]);
}

export async function deleteEndpointRow(db: Executor, accountId: string, id: string): Promise<boolean> {
  const r = await sql`delete from webhook_endpoints where id = ${id} and account_id = ${accountId}`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

/**
 * What the deliverer knows of an endpoint when an attempt ends. NO KEY UPDATE:
 * the deliveries being inserted for it meanwhile (KEY SHARE, by their foreign
 * key) must not wait for this.
 */
export async function lockEndpointState(db: Executor, id: string): Promise<{ enabled: boolean; failing_since: Date | null } | undefined> {
  const r = await sql<{ enabled: boolean; failing_since: Date | null }>`select enabled, failing_since from webhook_endpoints where id = ${id} for no key update`.execute(db);
  return r.rows[0];
}

export async function setEndpointHealth(db: Executor, id: string, health: { failingSince: Date | null; disabledReason: string | null; at: Date }): Promise<void> {
  await sql`update webhook_endpoints set failing_since = ${health.failingSince}, updated_at = ${health.at},
      enabled = case when ${health.disabledReason}::text is null then enabled else false end,
      disabled_reason = coalesce(${health.disabledReason}::text, disabled_reason)
    where id = ${id}`.execute(db);
}

/** Pending deliveries of a disabled endpoint end here; a replay sends them again. */
export async function failPendingDeliveries(db: Executor, endpointId: string, reason: string, at: Date): Promise<void> {
  await sql`update webhook_deliveries set status = 'failed', next_attempt_at = null, leased_until = null,
      last_error = ${reason}, finished_at = ${at}
    where endpoint_id = ${endpointId} and status = 'pending'`.execute(db);
}

/** The account's callback secret, made on first use; concurrent first uses keep one. */
export async function ensureAccountSecrets(db: Executor, accountId: string, fresh: StoredSecret[]): Promise<StoredSecret[]> {
  await sql`insert into webhook_account_secrets (account_id, secrets) values (${accountId}, ${JSON.stringify(sealSecrets(fresh))}::jsonb)
    on conflict (account_id) do nothing`.execute(db);
  const r = await sql<{ secrets: StoredSecret[] }>`select secrets from webhook_account_secrets where account_id = ${accountId}`.execute(db);
  return openSecrets(r.rows[0]!.secrets);
}

export async function lockAccountSecrets(db: Executor, accountId: string): Promise<StoredSecret[] | undefined> {
  const r = await sql<{ secrets: StoredSecret[] }>`select secrets from webhook_account_secrets where account_id = ${accountId} for update`.execute(db);
  return r.rows[0] && openSecrets(r.rows[0].secrets);
}

export async function saveAccountSecrets(db: Executor, accountId: string, secrets: StoredSecret[]): Promise<void> {
  await sql`insert into webhook_account_secrets (account_id, secrets) values (${accountId}, ${JSON.stringify(sealSecrets(secrets))}::jsonb)
    on conflict (account_id) do update set secrets = excluded.secrets`.execute(db);
}

/** Rows still holding a secret in plain text (from before encryption at rest), a batch at a time. */
export async function findPlainSecretRows(db: Executor, table: 'webhook_endpoints' | 'webhook_account_secrets', limit: number): Promise<{ key: string; secrets: StoredSecret[] }[]> {
  const keyColumn = table === 'webhook_endpoints' ? sql`id` : sql`account_id`;
  const r = await sql<{ key: string; secrets: StoredSecret[] }>`select ${keyColumn} as key, secrets from ${sql.table(table)}
    where exists (select 1 from jsonb_array_elements(secrets) e where e->>'secret' not like 'enc:v1:%')
    limit ${limit} for update skip locked`.execute(db);
  return r.rows;
}

export async function rewriteSecrets(db: Executor, table: 'webhook_endpoints' | 'webhook_account_secrets', key: string, secrets: StoredSecret[]): Promise<void> {
  const keyColumn = table === 'webhook_endpoints' ? sql`id` : sql`account_id`;
  await sql`update ${sql.table(table)} set secrets = ${JSON.stringify(sealSecrets(secrets))}::jsonb where ${keyColumn} = ${key}`.execute(db);
}

/** One sealed secret, to check the key opens it. */
export async function findOneSealedSecret(db: Executor): Promise<string | null> {
  const r = await sql<{ secret: string }>`select e->>'secret' as secret from (
      select secrets from webhook_endpoints union all select secrets from webhook_account_secrets) s,
      jsonb_array_elements(s.secrets) e where e->>'secret' like 'enc:v1:%' limit 1`.execute(db);
  return r.rows[0]?.secret ?? null;
}
