import nodemailer from 'nodemailer';
import type { Executor } from '../../platform/db/index.js';
import { REDACTED, claimDueEmails, markEmailFailed, markEmailSent, type OutboxRow } from './mail.repository.js';

export interface MailTransport {
  send(email: { to: string; subject: string; text: string; html?: string | undefined; messageId: string }): Promise<void>;
  close(): void;
}

export function createSmtpTransport(url: string, from: string): MailTransport {
  // A pooled transport keeps connections open between the emails of a batch
  // (nodemailer takes the pool settings from the URL's query).
  const pooled = new URL(url);
  if (!pooled.searchParams.has('pool')) pooled.searchParams.set('pool', 'true');
  const transporter = nodemailer.createTransport(pooled.toString());
  return {
    async send(email) {
      await transporter.sendMail({ from, ...email, disableFileAccess: true, disableUrlAccess: true });
    },
    close: () => transporter.close(),
  };
}

// Retry delays after each failed attempt; past the last one the email is failed.
const RETRY_SECONDS = [10, 60, 300, 1800, 7200, 21600];

function isPermanent(error: unknown): boolean {
  const code = (error as { responseCode?: number }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600;
}

/** Sends what is due; returns how many were sent. Safe with several workers. */
export async function deliverDueEmails(
  db: Executor,
  transport: MailTransport,
  options: { batch?: number; domain?: string } = {},
): Promise<number> {
  const claimed = await claimDueEmails(db, options.batch ?? 20, 120);
  let sent = 0;
  for (const email of claimed) {
    try {
      await transport.send(toMessage(email, options.domain ?? 'herald.local'));
      await markEmailSent(db, email.id);
      sent++;
    } catch (error) {
      const retry = isPermanent(error) ? null : (RETRY_SECONDS[email.attempts - 1] ?? null);
      await markEmailFailed(db, email.id, (error as Error).message ?? String(error), retry);
    }
  }
  return sent;
}

function toMessage(email: OutboxRow, domain: string) {
  // The one-time token goes into the email as it leaves, never into the kept body.
  const reveal = (text: string) => (email.secret ? text.replaceAll(REDACTED, email.secret) : text);
  // A stable Message-ID lets the receiving side drop the duplicate if a lease
  // expires after the server accepted the mail but before we recorded it.
  return { to: email.to_address, subject: email.subject, text: reveal(email.text_body), html: email.html_body === null ? undefined : reveal(email.html_body), messageId: `<${email.id}@${domain}>` };
}
