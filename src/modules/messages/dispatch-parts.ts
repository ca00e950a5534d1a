import type { DeliveryResult, SmsConnector } from '../../channels/channel.js';
import type { Executor } from '../../platform/db/index.js';
import { claimDueParts, type ClaimedPart, type PartUpdate } from './progress.repository.js';
import { RoundRecorder, type DispatchLog } from './record-outcomes.js';

/** Picks the connectors for a destination, best first (routes by prefix, then failover). */
export interface ConnectorSet {
  route(destination: string): SmsConnector[];
  /** Told of each outcome's write as soon as its answer is in: receipts that arrive meanwhile wait for it. */
  recording?(written: Promise<void>): void;
  /** Where rounds report lost leases and dropped answers. */
  readonly log?: DispatchLog;
}

export interface DispatchOptions {
  batch?: number;
  /** Renewed every third of it while the round waits for answers. */
  leaseSeconds?: number;
  /** A transient error is retried this many submits, then the part fails. */
  maxSubmits?: number;
  /** Wait before resubmitting a part whose first submit ended unknown. */
  unknownRetryMs?: number;
}

function backoffMs(submits: number): number {
  const base = Math.min(600_000, 1000 * 2 ** Math.max(0, submits - 1));
  return base / 2 + Math.random() * (base / 2);
}

function choose(connectors: SmsConnector[]): SmsConnector | undefined {
  return connectors.find((c) => c.status().bindsUp > 0) ?? connectors[0];
}

/** Turns a provider's answer into the part's next state. */
export function nextState(part: ClaimedPart, connectorId: string, result: DeliveryResult, now: number, o: Required<DispatchOptions>): PartUpdate {
  const expired = part.valid_until.getTime() <= now;
  // Every outcome names the lease it was decided under: updateParts writes it only if that lease still holds.
  const of = { id: part.id, lease: part.lease };
  switch (result.kind) {
    case 'accepted':
      return { ...of, status: 'submitted', connectorId, providerMessageId: result.providerMessageId };
    case 'throttled':
      // The centre asked us to slow down: not the message's fault, not an attempt.
      return expired
        ? { ...of, status: 'expired', errorCode: result.providerCode }
        : { ...of, status: 'queued', dueAt: new Date(now + (result.retryAfterMs ?? 1000)), uncount: true };
    case 'transient':
      if (expired || part.submits >= o.maxSubmits) return { ...of, status: expired ? 'expired' : 'failed', errorCode: result.providerCode };
      return { ...of, status: 'queued', errorCode: result.providerCode, dueAt: new Date(now + (result.retryAfterMs ?? backoffMs(part.submits))) };
    case 'permanent':
      return { ...of, status: 'failed', errorCode: result.providerCode };
    case 'unknown':
      // It may have reached the centre: resubmit once at most, or stop at unknown.
      if (part.unknowns >= 1 || expired) return { ...of, status: 'unknown', errorCode: result.providerCode, unknown: true };
      return { ...of, status: 'queued', errorCode: result.providerCode, dueAt: new Date(now + o.unknownRetryMs), unknown: true };
  }
}

/** Submits one part and says what became of it, and how (for the round's tally). */
async function submitOne(part: ClaimedPart, connectors: ConnectorSet, o: Required<DispatchOptions>): Promise<{ update: PartUpdate; how: string }> {
  const of = { id: part.id, lease: part.lease };
  if (part.valid_until.getTime() <= Date.now()) return { update: { ...of, status: 'expired', errorCode: 'validity' }, how: 'expired' };
  const connector = choose(connectors.route(part.recipient));
  if (!connector) return { update: { ...of, status: 'failed', errorCode: 'no_route' }, how: 'no_route' };
  let result: DeliveryResult;
  try {
    result = await connector.submit({
      partId: part.id,
      source: { address: part.sender, ton: part.sender_ton, npi: part.sender_npi },
      destination: part.recipient,
      dataCoding: part.data_coding === 8 ? 0x08 : 0x00,
      udh: part.udh,
      payload: part.payload,
      requestReceipt: true,
      validUntil: part.valid_until,
    });
  } catch (error) {
    // Providers answer with data, never throw; one that did may have sent it.
    connectors.log?.warn({ err: error, partId: part.id, connector: connector.id }, 'dispatch: submit threw');
    result = { kind: 'unknown', providerCode: 'provider_error' };
  }
  return { update: nextState(part, connector.id, result, Date.now(), o), how: result.kind };
}

/**
 * One round of the send queue: lease due parts, submit them, and record each
 * outcome as its answer comes (a few at a time), keeping the leases alive
 * meanwhile; messages are brought up to date with each write, charging is
 * left to `chargeParts`. Returns how many parts it handled. Safe with any
 * number of workers.
 */
export async function dispatchDueParts(db: Executor, connectors: ConnectorSet, options: DispatchOptions = {}): Promise<number> {
  const o: Required<DispatchOptions> = { batch: 200, leaseSeconds: 60, maxSubmits: 6, unknownRetryMs: 30_000, ...options };
  const claimedAt = Date.now();
  const claimed = await claimDueParts(db, o.batch, o.leaseSeconds);
  if (claimed.length === 0) return 0;
  const recorder = new RoundRecorder(db, claimed, o.leaseSeconds, connectors.log, claimedAt);
  const tally: Record<string, number> = {};
  try {
    await Promise.all(
      claimed.map(async (part) => {
        const { update, how } = await submitOne(part, connectors, o);
        tally[how] = (tally[how] ?? 0) + 1;
        const written = recorder.record(update);
        connectors.recording?.(written);
        await written;
      }),
    );
  } finally {
    recorder.close();
  }
  const { dropped, leasesLost } = recorder.counts;
  if (dropped > 0 || leasesLost > 0) connectors.log?.warn({ parts: claimed.length, ...tally, ...recorder.counts }, 'dispatch: round lost answers');
  else connectors.log?.debug({ parts: claimed.length, ...tally }, 'dispatch: round done');
  return claimed.length;
}
