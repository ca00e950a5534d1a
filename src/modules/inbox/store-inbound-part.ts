import type { InboundSms } from '../../channels/channel.js';
import type { Executor } from '../../platform/db/index.js';
import { insertPart } from './parts.repository.js';

/**
 * Keeps one received part before the SMS centre is answered: a failure here
 * makes the connector answer 0x64 and the centre send it again. Joining parts
 * and routing happen later (`assembleInbound`), so this stays one insert.
 */
export async function storeInboundPart(db: Executor, sms: InboundSms): Promise<void> {
  const c = sms.concat;
  // A header that cannot describe a part (sequence 0, past the total, a
  // "long" message of one part) is read as a whole text rather than one that
  // would wait for parts that cannot come.
  const concat = c && c.total > 1 && c.sequence >= 1 && c.sequence <= c.total
    ? { reference: c.reference, bits: c.referenceBits, total: c.total, sequence: c.sequence }
    : null;
  // PostgreSQL text cannot hold NUL, which some centres pad bodies with: kept,
  // the insert would fail, be answered 0x64 and come back for ever.
  const clean = (text: string) => text.replace(/\0/g, '');
  await insertPart(db, {
    connectorId: sms.connectorId, sender: clean(sms.from), recipient: clean(sms.to), dataCoding: sms.dataCoding, concat, body: clean(sms.text), receivedAt: sms.receivedAt,
  });
}
