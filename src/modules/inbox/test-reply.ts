import type { Executor } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors.js';
import { listMessages } from '../messages/index.js';
import { listSenderNumbers, routeReply } from '../senders/index.js';

/** Who a test reply comes from and goes to, and the message it answers. */
export interface TestReplyAddresses {
  from: string;
  to: string;
  replyToMessageId: string | null;
}

// Ofcom keeps +44 7700 900000–900999 for drama: no real handset has it.
export const TEST_HANDSET = '+447700900123';
const RECENT = 50;

/**
 * Where a reply must go to reach this account's inbox through the normal
 * inbound path: the recipient of its latest message sent from a number that
 * routes back to it (a dedicated or pool number), else its first dedicated
 * number, from a made-up handset. A reply to a sender name reaches nobody, so
 * an account with neither is told what to do first.
 */
export async function testReplyAddresses(db: Executor, accountId: string): Promise<TestReplyAddresses> {
  for (const m of await listMessages(db, accountId, { limit: RECENT })) {
    if (!m.sender.startsWith('+')) continue;
    const routed = await routeReply(db, { to: m.sender, from: m.recipient });
    if (routed?.accountId === accountId) return { from: m.recipient, to: m.sender, replyToMessageId: m.id };
  }
  const number = (await listSenderNumbers(db, { accountId })).find((n) => n.kind === 'dedicated');
  if (number) return { from: TEST_HANDSET, to: number.number, replyToMessageId: null };
  throw new AppError('conflict', 'A reply can only reach a number: send from a dedicated or pool number first, or ask the operator for a dedicated number', {
    reason: 'no_number_to_reply_to',
  });
}
