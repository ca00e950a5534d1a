import type { Executor } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors.js';
import type { FlushResult } from '../../platform/batcher.js';
import * as ledger from '../ledger/index.js';
import { findKeys, storeKeys, tryLockKeys } from './idempotency.repository.js';
import { newId } from '../../platform/ids.js';
import { planGroupHolds, referenceOfMessages, splitHold, type GroupHold, type HoldShare } from './group-holds.js';
import { deleteUncommittedMessages, insertMessages, insertParts, setHoldReferences, type NewPart } from './messages.repository.js';
import type { PreparedSend, SendResult } from './prepare-send.js';

export interface Committed {
  result: SendResult;
  replayed: boolean;
}

const keyOf = (p: PreparedSend) => `${p.caller.accountId} ${p.idempotency!.key}`;

/**
 * Commits many prepared sends in ONE transaction (group commit): each is
 * charged on its own and fails on its own — no credit, a reused key — but
 * they share the round trips and the fsync. Nothing of a failed send is kept.
 */
export async function commitSends(db: Executor, sends: PreparedSend[]): Promise<FlushResult<Committed>[]> {
  return db.transaction().execute(async (tx) => {
    const out: (FlushResult<Committed> | undefined)[] = new Array(sends.length);
    const fail = (i: number, error: unknown) => (out[i] = { ok: false, error });

    const keyed = sends.flatMap((s, i) => (s.idempotency ? [i] : []));
    const refs = keyed.map((i) => ({ accountId: sends[i]!.caller.accountId, key: sends[i]!.idempotency!.key }));
    const [locks, stored] = [await tryLockKeys(tx, refs), await findKeys(tx, refs)];
    const claimed = new Set<string>();
    keyed.forEach((i, n) => {
      const send = sends[i]!;
      const k = keyOf(send);
      // A lock this transaction already took for the same key is re-entrant: the second is in flight too.
      if (!locks[n] || claimed.has(k)) {
        fail(i, new AppError('idempotency_in_flight', 'A request with this Idempotency-Key is still being processed; retry shortly', { field: 'idempotency-key' }));
        return;
      }
      claimed.add(k);
      const previous = stored.get(k);
      if (!previous) return;
      if (!previous.request_hash.equals(send.idempotency!.hash)) {
        fail(i, new AppError('idempotency_mismatch', 'This Idempotency-Key was used with a different request body', { field: 'idempotency-key' }));
      } else out[i] = { ok: true, value: { result: previous.response_body as SendResult, replayed: true } };
    });

    const live = sends.flatMap((_, i) => (out[i] ? [] : [i]));
    // Rows first, credit last: the holds lock the wallet until the commit, and
    // the other groups of the account wait for it, so that lock should cover
    // as little as possible. Rows of a send its holds then refuse are removed.
    const groups = planGroupHolds(sends, live, newId('hld'));
    await writeRows(tx, live.map((i) => sends[i]!), referenceOfMessages(sends, groups));
    // One clock for the group: the sends arrived within milliseconds of each other.
    const now = new Date(Math.max(...sends.map((s) => s.now.getTime())));
    const taken = await holdGroups(tx, sends, groups, now, fail);
    const refunds = taken.filter((t) => out[t.send]).map((t) => ({ holdReference: t.reference, reference: t.reference === t.share ? `${t.reference}:undo` : `${t.reference}:undo:${t.share}`, parts: t.parts }));
    for (const t of taken) {
      if (out[t.send]) continue;
      const cost = sends[t.send]!.result.cost;
      cost.parts += t.parts;
      cost.quota_parts += t.quotaParts;
      cost.provision += Number(t.provisionMinor);
    }
    // A send whose other price could not be paid keeps none of its holds.
    if (refunds.length > 0) await ledger.refundMany(tx, refunds);
    const refused = live.filter((i) => out[i]);
    await deleteUncommittedMessages(tx, refused.flatMap((i) => sends[i]!.messages.map((m) => m.id)));

    const done = live.filter((i) => !out[i]);
    const toStore = done.filter((i) => sends[i]!.idempotency);
    await storeKeys(tx, toStore.map((i) => ({ accountId: sends[i]!.caller.accountId, key: sends[i]!.idempotency!.key, hash: sends[i]!.idempotency!.hash, body: sends[i]!.result })));
    for (const i of done) out[i] = { ok: true, value: { result: sends[i]!.result, replayed: false } };
    return out as FlushResult<Committed>[];
  });
}

/** A hold a send now has: its share of a group hold, or one of its own. */
interface Taken {
  send: number;
  reference: string;
  /** The send's own reference: equal to `reference` unless the hold is shared. */
  share: string;
  parts: number;
  quotaParts: number;
  provisionMinor: bigint;
}

/**
 * Holds each group as one; a group that cannot be paid as a whole (credit or
 * a spending limit runs out part-way) is held send by send, so that only the
 * sends that cannot pay fail, and its messages point at their own holds.
 */
async function holdGroups(tx: Executor, sends: PreparedSend[], groups: GroupHold[], now: Date, fail: (i: number, e: unknown) => void): Promise<Taken[]> {
  if (groups.length === 0) return [];
  const taken: Taken[] = [];
  const alone: (HoldShare & { accountId: string; price: bigint })[] = [];
  const results = await ledger.holdMany(tx, groups.map((g) => ({ accountId: g.accountId, reference: g.reference, parts: g.parts, pricePerPartMinor: g.price })), { now });
  groups.forEach((g, n) => {
    const r = results[n]!;
    if (r.ok) {
      for (const { share, quotaParts, provisionMinor } of splitHold(g, r.hold)) {
        taken.push({ send: share.send, reference: g.reference, share: share.reference, parts: share.parts, quotaParts, provisionMinor });
      }
    } else if (g.shares.length === 1) fail(g.shares[0]!.send, r.error);
    else alone.push(...g.shares.map((s) => ({ ...s, accountId: g.accountId, price: g.price })));
  });
  if (alone.length === 0) return taken;
  const own = await ledger.holdMany(tx, alone.map((s) => ({ accountId: s.accountId, reference: s.reference, parts: s.parts, pricePerPartMinor: s.price })), { now });
  alone.forEach((s, n) => {
    const r = own[n]!;
    if (r.ok) taken.push({ send: s.send, reference: s.reference, share: s.reference, parts: s.parts, quotaParts: r.hold.quotaParts, provisionMinor: r.hold.provisionMinor });
    else fail(s.send, r.error);
  });
  await setHoldReferences(tx, alone.flatMap((s) => sends[s.send]!.messages.filter((m) => m.holdReference === s.reference).map((m) => ({ id: m.id, holdReference: s.reference }))));
  return taken;
}

async function writeRows(tx: Executor, sends: PreparedSend[], holdOf: Map<string, string>): Promise<void> {
  const parts: NewPart[] = [];
  for (const s of sends) {
    for (const m of s.messages) {
      s.parts.forEach((p, seq) => parts.push({ messageId: m.id, seq: seq + 1, dataCoding: p.dataCoding, udh: p.udh, payload: p.payload, status: s.partStatus, dueAt: s.dueAt }));
    }
  }
  const messages = sends.flatMap((s) => s.messages);
  await insertMessages(tx, holdOf.size === 0 ? messages : messages.map((m) => ({ ...m, holdReference: holdOf.get(m.id) ?? m.holdReference })));
  await insertParts(tx, parts);
}
