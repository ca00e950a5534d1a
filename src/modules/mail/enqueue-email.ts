import type { Executor } from '../../platform/db/index.js';
import { invalid } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { REDACTED, insertEmail } from './mail.repository.js';

export interface OutgoingEmail {
  to: string;
  subject: string;
  text: string;
  html?: string;
  accountId?: string | null;
  /**
   * A one-time token the text holds (a reset or invitation link). It is kept
   * out of the stored body and only until the email is sent, the token is
   * used (`forgetEmailSecret`) or `expiresAt` passes.
   */
  secret?: { token: string; hash: Buffer; expiresAt: Date };
}

// A line break in a header field would let input add headers of its own.
const HEADER_BREAK = /[\r\n\0]/;

/**
 * Queues an email in the caller's transaction: it goes out only if the work
 * that caused it commits, and survives a crash before sending.
 */
export async function enqueueEmail(db: Executor, email: OutgoingEmail): Promise<string> {
  if (HEADER_BREAK.test(email.to) || !/^[^@\s]+@[^@\s]+$/.test(email.to)) throw invalid('to', 'Not a valid email address');
  if (HEADER_BREAK.test(email.subject)) throw invalid('subject', 'Subject must be one line');
  const id = newId('mail');
  const redact = (text: string) => (email.secret ? text.replaceAll(email.secret.token, REDACTED) : text);
  await insertEmail(db, {
    id,
    account_id: email.accountId ?? null,
    to_address: email.to,
    subject: email.subject,
    text_body: redact(email.text),
    html_body: email.html === undefined ? null : redact(email.html),
    secret: email.secret?.token ?? null,
    secret_hash: email.secret?.hash ?? null,
    secret_expires_at: email.secret?.expiresAt ?? null,
  });
  return id;
}
