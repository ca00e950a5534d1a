import type { Executor } from '../../platform/db/index.js';
import { findReplyAccount } from './senders.repository.js';

/**
 * The account a text sent to one of our numbers belongs to: the account a
 * dedicated number is assigned to, or, for a pool number, the account that
 * last wrote to this sender from it. Null when neither holds.
 */
export async function routeReply(db: Executor, reply: { to: string; from: string }): Promise<{ accountId: string } | null> {
  const accountId = await findReplyAccount(db, reply.to, reply.from);
  return accountId ? { accountId } : null;
}
