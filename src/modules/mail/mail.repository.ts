import { sql, type Executor } from '../../platform/db/index.js';
import type { EmailOutboxTable } from '../../platform/db/schema.js';
import type { Insertable, Selectable } from 'kysely';

export type OutboxRow = Selectable<EmailOutboxTable>;

export async function insertEmail(db: Executor, row: Insertable<EmailOutboxTable>): Promise<void> {
  await db.insertInto('email_outbox').values(row).execute();
}

/**
 * Leases up to `limit` due emails to one sender. SKIP LOCKED lets several
 * workers claim side by side; the lease lets another worker retry an email
 * whose sender died mid-send.
 */
export async function claimDueEmails(db: Executor, limit: number, leaseSeconds: number): Promise<OutboxRow[]> {
  const result = await sql<OutboxRow>`
    update email_outbox set locked_until = now() + make_interval(secs => ${leaseSeconds}), attempts = attempts + 1
    where id in (
      select id from email_outbox
      where status = 'pending' and next_attempt_at <= now() and (locked_until is null or locked_until < now())
      order by next_attempt_at
      limit ${limit}
      for update skip locked
    )
    returning *`.execute(db);
  return result.rows;
}

export async function markEmailSent(db: Executor, id: string): Promise<void> {
  await db
    .updateTable('email_outbox')
    .set({ status: 'sent', sent_at: sql`now()`, locked_until: null, last_error: null })
    .where('id', '=', id)
    .execute();
}

export async function markEmailFailed(db: Executor, id: string, error: string, retryInSeconds: number | null): Promise<void> {
  await db
    .updateTable('email_outbox')
    .set({
      status: retryInSeconds === null ? 'failed' : 'pending',
      next_attempt_at: sql`now() + make_interval(secs => ${retryInSeconds ?? 0})`,
      locked_until: null,
      last_error: error.slice(0, 1000),
    })
    .where('id', '=', id)
    .execute();
}

export function listOutbox(
  db: Executor,
  filter: { status?: OutboxRow['status']; to?: string; limit: number; before?: string },
): Promise<OutboxRow[]> {
  let q = db.selectFrom('email_outbox').selectAll().orderBy('id', 'desc').limit(filter.limit);
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.to) q = q.where(sql`lower(to_address)`, '=', filter.to.toLowerCase());
  if (filter.before) q = q.where('id', '<', filter.before);
  return q.execute();
}
