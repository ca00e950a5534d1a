import type { Executor } from '../../platform/db/index.js';
import { fileReply } from './file-reply.js';
import { deleteProcessedParts, findAssembledParts, findPendingParts, findReadyUnits, findSingleTwin, markParts, tryLockAssembly, type PartRow, type Unit } from './parts.repository.js';
import { joinParts, planGroup, type StoredPart } from './reassembly.js';

export interface AssembleOptions {
  /** The clock, for tests. */
  now?: Date;
  /** How long the parts of a long reply are waited for before it is filed without the missing ones. */
  flushAfterMs?: number;
  /** Units (texts or groups of parts) looked at per call. */
  batch?: number;
}

export const FLUSH_AFTER_MS = 10 * 60_000;

// A part is sent again by the centre when our deliver_sm_resp was lost or
// late: minutes at most. Looking back an hour also catches slow retry schedules.
const LOOKBACK_MS = 60 * 60_000;

// A single text has no reference, so a copy sent again is recognised only by
// being the same text between the same numbers on the same connector. Centres
// retry within seconds to a minute; a person sending the very same text twice
// within that minute loses one copy, which is the cheaper mistake than
// forwarding, or acting on, every retry twice.
const SINGLE_TWIN_MS = 60_000;

/**
 * Worker loop: turns stored parts into inbox messages. Each unit commits on
 * its own; one assembler runs at a time across workers. True when it filed or
 * marked anything. A unit that fails is left for the next call and the error
 * thrown after the others were done.
 */
export async function assembleInbound(db: Executor, options: AssembleOptions = {}): Promise<boolean> {
  const now = options.now ?? new Date();
  const flushBefore = new Date(now.getTime() - (options.flushAfterMs ?? FLUSH_AFTER_MS));
  const units = await findReadyUnits(db, flushBefore, options.batch ?? 100);
  let worked = false;
  const failures: unknown[] = [];
  for (const unit of units) {
    try {
      const outcome = await db.transaction().execute(async (tx) => {
        if (!(await tryLockAssembly(tx))) return 'busy' as const;
        return (await assembleUnit(tx, unit, now, flushBefore)) ? 'done' as const : 'nothing' as const;
      });
      if (outcome === 'busy') break;
      if (outcome === 'done') worked = true;
    } catch (error) {
      failures.push(error);
    }
  }
  if (failures.length === 1) throw failures[0];
  if (failures.length > 1) throw new AggregateError(failures, `inbox: ${failures.length} replies could not be filed`);
  return worked;
}

const stored = (p: PartRow): StoredPart => ({ id: p.id, sequence: p.concat_sequence ?? 1, text: p.body, receivedAt: p.received_at, inboxMessageId: p.inbox_message_id });

async function assembleUnit(tx: Executor, unit: Unit, now: Date, flushBefore: Date): Promise<boolean> {
  const pending = await findPendingParts(tx, unit);
  const first = pending[0];
  if (!first) return false;

  if (unit.kind === 'single') {
    const twin = await findSingleTwin(tx, first, SINGLE_TWIN_MS);
    const id = twin ?? await fileReply(tx, {
      connectorId: first.connector_id, from: first.sender, to: first.recipient, text: first.body, parts: 1, incomplete: false, receivedAt: first.received_at,
    });
    await markParts(tx, [first.id], id, now);
    return true;
  }

  const since = new Date(Math.min(...pending.map((p) => p.received_at.getTime())) - LOOKBACK_MS);
  const earlier = await findAssembledParts(tx, unit, since);
  const plan = planGroup(pending.map(stored), earlier.map(stored), unit.total, flushBefore);
  for (const { part, inboxMessageId } of plan.late) await markParts(tx, [part.id], inboxMessageId, now);
  if (!plan.ready) return plan.late.length > 0;

  const { text, incomplete } = joinParts(plan.parts, unit.total);
  const id = await fileReply(tx, {
    connectorId: unit.connectorId, from: unit.sender, to: unit.recipient, text, parts: unit.total, incomplete,
    receivedAt: new Date(Math.max(...plan.parts.map((p) => p.receivedAt.getTime()))),
  });
  await markParts(tx, [...plan.parts, ...plan.duplicates].map((p) => p.id), id, now);
  return true;
}

/**
 * Raw parts are kept after filing only to recognise copies the centre sends
 * again (an hour at most); a month keeps them for anyone looking into a reply.
 * True while there is more to delete.
 */
export async function pruneInboundParts(db: Executor, options: { now?: Date; keepDays?: number } = {}): Promise<boolean> {
  const before = new Date((options.now ?? new Date()).getTime() - (options.keepDays ?? 30) * 86_400_000);
  return (await deleteProcessedParts(db, before, 5000)) === 5000;
}
