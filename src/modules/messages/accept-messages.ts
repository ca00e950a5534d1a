import type { Executor } from '../../platform/db/index.js';
import type { OutboundPolicy } from '../../platform/outbound-http.js';
import { createBatcher, type Batcher } from '../../platform/batcher.js';
import { commitSends, type Committed } from './commit-sends.js';
import { prepareSend, type Caller, type SendRequest } from './prepare-send.js';

export { hashRequest, type Caller, type SendRequest, type SendResult } from './prepare-send.js';

export interface AcceptOptions {
  defaultSender: string;
  idempotency?: { key: string; hash: Buffer };
  now?: Date;
  /** Hosts allowed for callback_url despite the SSRF guard. */
  outboundPolicy?: OutboundPolicy;
}

/** Accepts one send in a transaction of its own. */
export async function acceptMessages(db: Executor, caller: Caller, req: SendRequest, options: AcceptOptions): Promise<Committed> {
  const prepared = await prepareSend(db, caller, req, options);
  const [outcome] = await commitSends(db, [prepared]);
  if (!outcome!.ok) throw outcome!.error;
  return outcome!.value;
}

/**
 * Sends that arrive together commit together: one transaction and one fsync
 * for a group instead of one each, which is what lets one account send
 * thousands of single messages a second. Each send still succeeds or fails
 * on its own.
 */
export interface SendQueue {
  accept(caller: Caller, req: SendRequest, options: AcceptOptions): Promise<Committed>;
  close(): Promise<void>;
}

export function createSendQueue(db: Executor, options: { maxGroup?: number; maxWaitMs?: number; concurrency?: number } = {}): SendQueue {
  const batcher: Batcher<Awaited<ReturnType<typeof prepareSend>>, Committed> = createBatcher((sends) => commitSends(db, sends), {
    maxItems: options.maxGroup ?? 200,
    maxWaitMs: options.maxWaitMs ?? 1,
    // Groups are independent; a few in flight overlap one's inserts with another's commit.
    concurrency: options.concurrency ?? 3,
  });
  return {
    async accept(caller, req, opts) {
      return batcher.add(await prepareSend(db, caller, req, opts));
    },
    close: () => batcher.close(),
  };
}
