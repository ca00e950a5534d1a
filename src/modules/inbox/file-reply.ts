import type { Executor } from '../../platform/db/index.js';
import { newId } from '../../platform/ids.js';
import { recipientLocale } from '../accounts/index.js';
import { recordOptOut } from '../contacts/index.js';
import { enqueueEmail, isEmailAddress } from '../mail/index.js';
import { cancelMessagesTo, findRepliedMessage } from '../messages/index.js';
import { routeReply } from '../senders/index.js';
import { emitEvents } from '../webhooks/index.js';
import { listRuleRows } from './forwarding.repository.js';
import { forwardEmail } from './forward-email.js';
import { insertInboxRow } from './inbox.repository.js';
import { optOutKeyword, type OptOut } from './opt-out.js';

/** A reply put together from its parts, not yet in anyone's inbox. */
export interface AssembledReply {
  connectorId: string;
  from: string;
  to: string;
  text: string;
  parts: number;
  incomplete: boolean;
  receivedAt: Date;
}

// Only a number can be suppressed: sends go to E.164 numbers, never to a short code or a name.
const E164 = /^\+[1-9]\d{6,14}$/;

/**
 * Puts a reply in its account's inbox, or keeps it for the administrator when
 * no account can be found, and does what the reply calls for: a STOP or START
 * on the suppression list, the account's forwarding rules, the
 * `inbound.received` event. All in the caller's transaction, so a reply is
 * forwarded exactly when it is filed.
 */
export async function fileReply(tx: Executor, reply: AssembledReply): Promise<string> {
  const id = newId('inb');
  const accountId = (await routeReply(tx, { to: reply.to, from: reply.from }))?.accountId ?? null;
  const replyTo = accountId ? await findRepliedMessage(tx, accountId, reply.from, reply.to) : null;

  let optOut: OptOut | null = null;
  const keyword = accountId && !reply.incomplete && E164.test(reply.from) ? optOutKeyword(reply.text) : null;
  if (accountId && keyword) {
    await recordOptOut(tx, accountId, { number: reply.from, optedOut: keyword.action === 'stop', reason: `Replied ${keyword.word}` });
    // A STOP also stops what is scheduled or still queued for that number.
    if (keyword.action === 'stop') await cancelMessagesTo(tx, accountId, reply.from, `the recipient replied ${keyword.word}`);
    optOut = keyword.action;
  }

  await insertInboxRow(tx, {
    id, account_id: accountId, connector_id: reply.connectorId, sender: reply.from, recipient: reply.to, body: reply.text,
    parts: reply.parts, incomplete: reply.incomplete, opt_out: optOut, received_at: reply.receivedAt, reply_to_message_id: replyTo,
  });
  if (accountId) await forward(tx, accountId, id, reply, replyTo);
  return id;
}

async function forward(tx: Executor, accountId: string, id: string, reply: AssembledReply, replyTo: string | null): Promise<void> {
  const rules = await listRuleRows(tx, accountId, true);
  for (const rule of rules) {
    // Checked when saved; one that no longer passes is skipped rather than
    // failing the reply (and every reply after it) forever.
    if (rule.kind === 'email' && isEmailAddress(rule.target)) {
      await enqueueEmail(tx, { to: rule.target, accountId, ...forwardEmail(reply, await recipientLocale(tx, accountId, rule.target)) });
    }
  }
  const urls = rules.filter((r) => r.kind === 'http').map((r) => r.target);
  await emitEvents(tx, [{
    accountId,
    type: 'inbound.received',
    data: {
      id, from: reply.from, to: reply.to, text: reply.text, received_at: reply.receivedAt.toISOString(),
      reply_to_message_id: replyTo, parts: reply.parts, incomplete: reply.incomplete,
    },
    ...(urls.length > 0 && { urls }),
  }]);
}
