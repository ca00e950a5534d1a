import type { Executor } from '../../platform/db/index.js';
import { newId } from '../../platform/ids.js';
import { HERALD_ACCOUNT_ID } from '../accounts/index.js';
import { parseSender } from '../senders/index.js';
import { splitText } from '../sms-text/index.js';
import { insertMessages, insertParts, redactFinishedOwnMessages } from './messages.repository.js';

export interface OwnSms {
  /** E.164, checked by the caller. */
  to: string;
  text: string;
  /** The installation's sender. */
  sender: string;
  /** A code is worthless after this: the SMS is not sent later. */
  validUntil: Date;
}

/**
 * Queues an SMS Herald sends on its own behalf (a verification code): it is
 * recorded under Herald's own account, so it is in no tenant's Sent list,
 * messages, webhooks or bill, and its parts carry no charge. It goes out
 * through the same queue and routes as any SMS. Commits with the caller.
 */
export async function sendOwnSms(db: Executor, sms: OwnSms): Promise<string> {
  // One part only: a multi-part message whose part fails has its other
  // parts cancelled with charge null (progress.repository), which would hand
  // the charge job a hold that does not exist.
  const split = splitText(sms.text, { maxParts: 1 });
  const from = parseSender(sms.sender);
  const now = new Date();
  const id = newId('msg');
  await insertMessages(db, [{
    id, accountId: HERALD_ACCOUNT_ID, batchId: newId('bat'), holdReference: `${id}:none`, createdBy: null, clientReference: null,
    recipient: sms.to, recipientCountry: null, sender: from.address, senderTon: from.ton, senderNpi: from.npi, body: sms.text,
    encoding: split.encoding, partsCount: split.parts.length, pricePerPartMinor: 0n, status: 'queued', sendAt: now,
    validUntil: sms.validUntil, callbackUrl: null, contactId: null, listId: null,
  }]);
  await insertParts(db, split.parts.map((p, seq) => ({
    messageId: id, seq: seq + 1, dataCoding: split.dataCoding, udh: p.udh, payload: p.payload, status: 'queued', dueAt: now, charge: 'none',
  })));
  return id;
}

export const REDACTED_TEXT = '[redacted]';

/** Wipes the text of Herald's own SMS once they are done; returns how many. */
export function redactOwnSms(db: Executor): Promise<number> {
  return redactFinishedOwnMessages(db, HERALD_ACCOUNT_ID, REDACTED_TEXT);
}
