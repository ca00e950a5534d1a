import type { InboundSms } from '../../channels/channel.js';
import type { Executor } from '../../platform/db/index.js';
import { insertInbound } from './inbound.repository.js';

/** Keeps an incoming text before the centre is answered; the inbox routes it to an account. */
export async function storeInbound(db: Executor, sms: InboundSms): Promise<void> {
  await insertInbound(db, sms);
}
