import type { Executor } from '../../platform/db/index.js';
import { invalid } from '../../platform/errors.js';
import { contactNamesOf, findSuppressed, type SuppressionSource, type Viewer } from '../contacts/index.js';
import { listMessages } from '../messages/index.js';
import { listInboxRows } from './inbox.repository.js';
import { senderOf } from './read-inbox.js';

/** One message of a conversation: sent to the number (out) or received from it (in). */
export interface ConversationEntry {
  direction: 'out' | 'in';
  id: string;
  /** Out: when it goes or went out (send_at); in: when it arrived. */
  at: Date;
  text: string;
  /** Our side: the sender it went out as, or our number it was written to. */
  ours: string;
  /** Out: the message's status; in: null. */
  status: string | null;
}

export interface Conversation {
  number: string;
  contactName: string | null;
  suppressed: SuppressionSource | null;
  /** Oldest first: the latest `limit` messages both ways. */
  entries: ConversationEntry[];
}

/**
 * Everything the account sent to one number and received from it, in time
 * order. Each side is read newest first up to `limit`, so the merged tail is
 * complete however the two sides interleave.
 */
export async function getConversation(db: Executor, viewer: Viewer, number: string, limit: number): Promise<Conversation> {
  const them = senderOf(number);
  if (!them) throw invalid('number', 'Give the number of the conversation');
  const [sent, received, names, suppressed] = await Promise.all([
    listMessages(db, viewer.accountId, { recipient: them, limit }),
    listInboxRows(db, viewer.accountId, { from: them }, null, limit),
    contactNamesOf(db, viewer, [them]),
    findSuppressed(db, viewer.accountId, [them]),
  ]);
  const entries: ConversationEntry[] = [
    ...sent.map((m) => ({ direction: 'out' as const, id: m.id, at: m.send_at, text: m.body, ours: m.sender, status: m.status })),
    ...received.map((r) => ({ direction: 'in' as const, id: r.id, at: r.received_at, text: r.body, ours: r.recipient, status: null })),
  ].sort((a, b) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id));
  return { number: them, contactName: names.get(them) ?? null, suppressed: suppressed.get(them) ?? null, entries: entries.slice(-limit) };
}
