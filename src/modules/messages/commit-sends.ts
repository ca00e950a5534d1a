import type { Executor } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors.js';
import type { FlushResult } from '../../platform/batcher.js';
import * as ledger from '../ledger/index.js';
import { findKeys, storeKeys, tryLockKeys } from './idempotency.repository.js';
import { deleteUncommittedMessages, insertMessages, insertParts, type NewPart } from './messages.repository.js';
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
    await writeRows(tx, live.map((i) => sends[i]!));
    const items = live.flatMap((i) => sends[i]!.holds.map((h) => ({ send: i, input: { accountId: sends[i]!.caller.accountId, reference: h.reference, parts: h.parts, pricePerPartMinor: h.price } })));
    // One clock for the group: the sends arrived within milliseconds of each other.
    const now = new Date(Math.max(...sends.map((s) => s.now.getTime())));
    const holds = items.length > 0 ? await ledger.holdMany(tx, items.map((x) => x.input), { now }) : [];
    const refunds: { holdReference: string; reference: string; parts: number }[] = [];
    items.forEach((item, n) => {
      const h = holds[n]!;
      if (!h.ok) fail(item.send, h.error);
    });
    items.forEach((item, n) => {
      const h = holds[n]!;
      const result = sends[item.send]!.result;
      // A send whose other price group could not be paid keeps none of its holds.
      if (h.ok && out[item.send]) refunds.push({ holdReference: item.input.reference, reference: `${item.input.reference}:undo`, parts: item.input.parts });
      else if (h.ok) {
        result.cost.parts += item.input.parts;
        result.cost.quota_parts += h.hold.quotaParts;
        result.cost.provision += Number(h.hold.provisionMinor);
      }
    });
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

async function writeRows(tx: Executor, sends: PreparedSend[]): Promise<void> {
  const parts: NewPart[] = [];
  for (const s of sends) {
    for (const m of s.messages) {
      s.parts.forEach((p, seq) => parts.push({ messageId: m.id, seq: seq + 1, dataCoding: p.dataCoding, udh: p.udh, payload: p.payload, status: s.partStatus, dueAt: s.dueAt }));
    }
  }
  await insertMessages(tx, sends.flatMap((s) => s.messages));
  await insertParts(tx, parts);
}
