import { sql, type Executor } from '../../platform/db/index.js';

export type RuleKind = 'email' | 'http';

export interface RuleRow {
  id: string;
  kind: RuleKind;
  target: string;
  enabled: boolean;
  created_at: Date;
}

const COLUMNS = sql`id, kind, target, enabled, created_at`;

export async function insertRule(db: Executor, accountId: string, row: { id: string; kind: RuleKind; target: string; enabled: boolean }): Promise<RuleRow> {
  const r = await sql<RuleRow>`insert into inbox_forwarding_rules (id, account_id, kind, target, enabled)
    values (${row.id}, ${accountId}, ${row.kind}, ${row.target}, ${row.enabled}) returning ${COLUMNS}`.execute(db);
  return r.rows[0]!;
}

export async function listRuleRows(db: Executor, accountId: string, onlyEnabled = false): Promise<RuleRow[]> {
  const r = await sql<RuleRow>`select ${COLUMNS} from inbox_forwarding_rules where account_id = ${accountId}
    ${onlyEnabled ? sql`and enabled` : sql``} order by id`.execute(db);
  return r.rows;
}

export async function findRuleRow(db: Executor, accountId: string, id: string): Promise<RuleRow | undefined> {
  const r = await sql<RuleRow>`select ${COLUMNS} from inbox_forwarding_rules where id = ${id} and account_id = ${accountId}`.execute(db);
  return r.rows[0];
}

export async function updateRuleRow(db: Executor, accountId: string, id: string, row: { kind: RuleKind; target: string; enabled: boolean }): Promise<RuleRow | undefined> {
  const r = await sql<RuleRow>`update inbox_forwarding_rules set kind = ${row.kind}, target = ${row.target}, enabled = ${row.enabled}
    where id = ${id} and account_id = ${accountId} returning ${COLUMNS}`.execute(db);
  return r.rows[0];
}

export async function deleteRuleRow(db: Executor, accountId: string, id: string): Promise<boolean> {
  const r = await sql`delete from inbox_forwarding_rules where id = ${id} and account_id = ${accountId}`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

/** Serialises rule changes of one account, so that the count limit holds. */
export async function lockRules(db: Executor, accountId: string): Promise<number> {
  await sql`select pg_advisory_xact_lock(hashtext(${`inbox_forwarding_rules:${accountId}`}))`.execute(db);
  const r = await sql<{ n: number }>`select count(*)::int as n from inbox_forwarding_rules where account_id = ${accountId}`.execute(db);
  return r.rows[0]?.n ?? 0;
}
