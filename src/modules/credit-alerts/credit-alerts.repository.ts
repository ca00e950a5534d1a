import { sql, type Executor } from '../../platform/db/index.js';

export interface CreditAlertRow {
  account_id: string;
  threshold_minor: string;
  below: boolean;
  last_alert_at: Date | null;
}

export async function findAlert(db: Executor, accountId: string): Promise<CreditAlertRow | null> {
  const r = await sql<CreditAlertRow>`select * from credit_alerts where account_id = ${accountId}`.execute(db);
  return r.rows[0] ?? null;
}

/** A changed threshold starts above water, so the next check decides afresh; the same one saved again changes nothing. */
export async function upsertAlert(db: Executor, accountId: string, thresholdMinor: bigint): Promise<CreditAlertRow> {
  const r = await sql<CreditAlertRow>`insert into credit_alerts (account_id, threshold_minor) values (${accountId}, ${thresholdMinor})
    on conflict (account_id) do update set threshold_minor = excluded.threshold_minor,
      below = credit_alerts.below and credit_alerts.threshold_minor = excluded.threshold_minor returning *`.execute(db);
  return r.rows[0]!;
}

export async function deleteAlert(db: Executor, accountId: string): Promise<void> {
  await sql`delete from credit_alerts where account_id = ${accountId}`.execute(db);
}

/** Alerts to check, each locked so two workers never alert twice for one crossing. */
export async function lockAlerts(db: Executor, after: string, limit: number): Promise<CreditAlertRow[]> {
  const r = await sql<CreditAlertRow>`select * from credit_alerts where account_id > ${after}
    order by account_id limit ${limit} for update skip locked`.execute(db);
  return r.rows;
}

export async function setBelow(db: Executor, accountId: string, below: boolean, alertedAt: Date | null): Promise<void> {
  await sql`update credit_alerts set below = ${below}, last_alert_at = coalesce(${alertedAt}, last_alert_at) where account_id = ${accountId}`.execute(db);
}
