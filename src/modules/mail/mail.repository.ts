import { sql, type Executor } from '../../platform/db/index.js';
import type { EmailOutboxTable } from '../../platform/db/schema.js';
import type { Insertable, Selectable } from 'kysely';

export type OutboxRow = Selectable<EmailOutboxTable>;

/** What a kept body shows where its one-time token was. */
export const REDACTED = '[redacted]';

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
    .set({ status: 'sent', sent_at: sql`now()`, locked_until: null, last_error: null, secret: null, secret_hash: null })
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

/** Forgets the one-time tokens of these hashes: used or replaced, they open nothing any more. */
export async function forgetEmailSecrets(db: Executor, hashes: Buffer[]): Promise<void> {
  if (hashes.length === 0) return;
  await sql`update email_outbox set secret = null, secret_hash = null where secret is not null and secret_hash = any(${hashes}::bytea[])`.execute(db);
}

export async function forgetExpiredEmailSecrets(db: Executor): Promise<number> {
  const r = await sql`update email_outbox set secret = null, secret_hash = null where secret is not null and secret_expires_at <= now()`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}

/** An email as the outbox shows it: its body as kept, one-time tokens redacted. */
export type OutboxEmail = Omit<OutboxRow, 'secret' | 'secret_hash' | 'secret_expires_at' | 'locked_until'>;

const SHOWN = ['id', 'account_id', 'to_address', 'subject', 'text_body', 'html_body', 'status', 'attempts', 'last_error', 'next_attempt_at', 'created_at', 'sent_at'] as const;

export async function listOutbox(
  db: Executor,
  filter: { status?: OutboxRow['status']; to?: string; limit: number; before?: string },
  options: { revealLiveTokens?: boolean } = {},
): Promise<OutboxEmail[]> {
  let q = db.selectFrom('email_outbox').select(SHOWN).orderBy('id', 'desc').limit(filter.limit);
  if (options.revealLiveTokens) {
    q = q.select(sql<string | null>`case when status = 'pending' and secret_expires_at > now() then secret end`.as('live_secret'));
  }
  if (filter.status) q = q.where('status', '=', filter.status);
  if (filter.to) q = q.where(sql`lower(to_address)`, '=', filter.to.toLowerCase());
  if (filter.before) q = q.where('id', '<', filter.before);
  const rows = (await q.execute()) as (OutboxEmail & { live_secret?: string | null })[];
  return rows.map(({ live_secret: secret, ...row }) =>
    secret ? { ...row, text_body: row.text_body.replaceAll(REDACTED, secret), html_body: row.html_body?.replaceAll(REDACTED, secret) ?? null } : row);
}
