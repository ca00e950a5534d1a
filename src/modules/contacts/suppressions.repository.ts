import { sql, type Executor } from '../../platform/db/index.js';

export type SuppressionSource = 'manual' | 'opt_out';

export interface SuppressionRow {
  number: string;
  reason: string | null;
  source: SuppressionSource;
  created_at: Date;
}

/** Adds or refreshes a suppression; returns the stored row. */
export async function upsertSuppression(db: Executor, accountId: string, row: { number: string; reason: string | null; source: SuppressionSource }): Promise<SuppressionRow> {
  const r = await sql<SuppressionRow>`insert into suppressions (account_id, number, reason, source) values (${accountId}, ${row.number}, ${row.reason}, ${row.source})
    on conflict (account_id, number) do update set reason = excluded.reason, source = excluded.source
    returning number, reason, source, created_at`.execute(db);
  return r.rows[0]!;
}

/**
 * Adds a recipient's own opt-out; an entry already there stays as it is, so
 * that a later START cannot lift what an operator suppressed by hand.
 */
export async function insertOptOut(db: Executor, accountId: string, number: string, reason: string): Promise<boolean> {
  const r = await sql`insert into suppressions (account_id, number, reason, source) values (${accountId}, ${number}, ${reason}, 'opt_out')
    on conflict (account_id, number) do nothing`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

/** Lifts an opt-out only: manual suppressions stay. */
export async function deleteOptOut(db: Executor, accountId: string, number: string): Promise<boolean> {
  const r = await sql`delete from suppressions where account_id = ${accountId} and number = ${number} and source = 'opt_out'`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

export async function deleteSuppression(db: Executor, accountId: string, number: string): Promise<boolean> {
  const r = await sql`delete from suppressions where account_id = ${accountId} and number = ${number}`.execute(db);
  return Number(r.numAffectedRows ?? 0) > 0;
}

export async function findSuppressionRow(db: Executor, accountId: string, number: string): Promise<SuppressionRow | undefined> {
  const r = await sql<SuppressionRow>`select number, reason, source, created_at from suppressions where account_id = ${accountId} and number = ${number}`.execute(db);
  return r.rows[0];
}

export async function listSuppressionRows(db: Executor, accountId: string, after: string | null, limit: number): Promise<SuppressionRow[]> {
  const r = await sql<SuppressionRow>`select number, reason, source, created_at from suppressions where account_id = ${accountId}
    ${after ? sql`and number > ${after}` : sql``} order by number limit ${limit}`.execute(db);
  return r.rows;
}

export async function findSuppressedRows(db: Executor, accountId: string, numbers: string[]): Promise<{ number: string; source: SuppressionSource }[]> {
  if (numbers.length === 0) return [];
  const r = await sql<{ number: string; source: SuppressionSource }>`select number, source from suppressions
    where account_id = ${accountId} and number = any(${numbers}::text[])`.execute(db);
  return r.rows;
}

/** The same for the numbers of several accounts at once: each row names its account. */
export async function findSuppressedPairs(db: Executor, pairs: { accountId: string; number: string }[]): Promise<{ account_id: string; number: string; source: SuppressionSource }[]> {
  if (pairs.length === 0) return [];
  const r = await sql<{ account_id: string; number: string; source: SuppressionSource }>`select account_id, number, source from suppressions
    where (account_id, number) in (select * from unnest(${pairs.map((p) => p.accountId)}::text[], ${pairs.map((p) => p.number)}::text[]))`.execute(db);
  return r.rows;
}
