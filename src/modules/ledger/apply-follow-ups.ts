import type { Executor } from '../../platform/db/index.js';
import { AppError, invalid } from '../../platform/errors.js';
import {
  findFollowUps,
  findHolds,
  hasSettle,
  lockWallets,
  postFollowUps,
  readHoldCounters,
  type FollowUpDraft,
  type FollowUpKind,
  type FollowUpRow,
} from './ledger-holds.repository.js';
import { findAccountChain, type TransactionRow, type WalletRow } from './ledger.repository.js';
import type { FollowUpOptions, HoldItem, HoldItemOutcome, HoldOutcome, Posting } from './types.js';
import { inTransaction, openWallet, rollWallet } from './wallet.js';

/** An item as the engine takes it: `parts` undefined means all still held (single calls only). */
export interface FollowUpRequest {
  holdReference: string;
  reference: string;
  parts: number | undefined;
}

const unique = <T>(values: T[]): T[] => [...new Set(values)];

function outcome(request: FollowUpRequest, status: HoldItemOutcome['status'], partsStillHeld = 0, error?: string): HoldItemOutcome {
  const out: HoldItemOutcome = {
    status,
    holdReference: request.holdReference,
    reference: request.reference,
    replayed: false,
    quotaParts: 0,
    provisionParts: 0,
    provisionMinor: 0n,
    expiredQuotaParts: 0,
    partsStillHeld,
  };
  if (error !== undefined) out.error = error;
  return out;
}

/** What a follow-up written earlier moved, as its first call reported it. */
function fromRow(kind: FollowUpKind, row: FollowUpRow): Pick<HoldOutcome, 'status' | 'quotaParts' | 'provisionParts' | 'provisionMinor' | 'expiredQuotaParts'> {
  return {
    status: kind === 'settle' ? 'settled' : 'refunded',
    quotaParts: row.quota_parts,
    provisionParts: row.provision_parts,
    provisionMinor: BigInt(row.provision_parts) * BigInt(row.price_per_part_minor ?? 0),
    expiredQuotaParts: row.expired_quota_parts,
  };
}

function postings(kind: FollowUpKind, quotaParts: number, provisionMinor: bigint, expiredQuotaParts: number): Posting[] {
  const q = BigInt(quotaParts);
  if (kind === 'settle') {
    return [
      { bucket: 'held_quota', amount: -q },
      { bucket: 'spent_quota', amount: q },
      { bucket: 'held_provision', amount: -provisionMinor },
      { bucket: 'spent_provision', amount: provisionMinor },
    ];
  }
  const out: Posting[] = [
    { bucket: 'held_quota', amount: -q },
    { bucket: 'quota', amount: q },
    { bucket: 'held_provision', amount: -provisionMinor },
    { bucket: 'provision', amount: provisionMinor },
  ];
  // Quota of an ended period goes back and expires at once, so it never adds to the current one.
  const e = BigInt(expiredQuotaParts);
  if (e > 0n) out.push({ bucket: 'quota', amount: -e }, { bucket: 'quota_expired', amount: e });
  return out;
}

/** Holds found by reference, with their wallets locked (the rows as locked, by account id). */
export interface LockedHolds {
  holds: Map<string, TransactionRow>;
  wallets: Map<string, WalletRow>;
}

/** Finds the holds and locks their wallets, in account id order, in one statement. */
async function lockHolds(tx: Executor, holdReferences: string[]): Promise<LockedHolds> {
  const holds = await findHolds(tx, unique(holdReferences));
  const walletIds = unique([...holds.values()].map((h) => h.wallet_account_id));
  const rows = walletIds.length > 0 ? await lockWallets(tx, walletIds) : [];
  return { holds, wallets: new Map(rows.map((w) => [w.account_id, w])) };
}

/** Rolls a wallet locked by `lockHolds` to `now` without locking it again (`openWallet` does). */
async function rollLocked(tx: Executor, wallet: WalletRow | undefined, walletAccountId: string, now: Date): Promise<WalletRow> {
  if (wallet) {
    const owner = (await findAccountChain(tx, walletAccountId, now)).at(-1);
    if (owner && owner.id === walletAccountId) return rollWallet(tx, wallet, owner);
  }
  return (await openWallet(tx, walletAccountId, now)).wallet;
}

/**
 * Settles or refunds parts of holds, item by item in input order, with every wallet involved
 * locked first (in account id order, one statement) and everything written in one statement.
 * Runs in the caller's transaction. Settle takes quota parts first, refund gives provision back
 * first; each item is idempotent on its reference. `locked`: the holds found and wallets locked
 * already in this transaction (by `lockHolds`, for these requests and maybe more), so that each
 * wallet is locked once per call.
 */
export async function applyFollowUps(
  tx: Executor,
  kind: FollowUpKind,
  requests: FollowUpRequest[],
  now: Date,
  locked?: LockedHolds,
): Promise<HoldItemOutcome[]> {
  if (requests.length === 0) return [];
  const references = unique(requests.map((r) => r.holdReference));
  const { holds: lockedHolds, wallets } = locked ?? (await lockHolds(tx, references));
  const holds = new Map<string, TransactionRow>();
  for (const reference of references) {
    const hold = lockedHolds.get(reference);
    if (hold) holds.set(reference, hold);
  }
  const walletIds = unique([...holds.values()].map((h) => h.wallet_account_id));
  // Roll each wallet to `now`, so "has the hold's period ended" is judged on the current period.
  const currentPeriod = new Map<string, Date | null>();
  if (kind === 'refund') {
    for (const id of walletIds) {
      const rolled = await rollLocked(tx, wallets.get(id), id, now);
      wallets.set(id, rolled);
      currentPeriod.set(id, rolled.period_start);
    }
  }
  // Read under the locks: a concurrent follow-up of the same holds has committed by now.
  const counters = holds.size > 0 ? await readHoldCounters(tx, [...holds.values()].map((h) => h.id)) : new Map();
  const existing = holds.size > 0 ? await findFollowUps(tx, kind, unique(requests.map((r) => r.reference))) : new Map<string, FollowUpRow>();

  const applied = new Map<string, { holdId: string; result: ReturnType<typeof fromRow> }>();
  for (const [reference, row] of existing) applied.set(reference, { holdId: row.hold_id!, result: fromRow(kind, row) });
  const drafts: FollowUpDraft[] = [];
  const spending: { accountId: string; month: string; deltaMinor: bigint }[] = [];
  const results: HoldItemOutcome[] = [];
  const verb = kind === 'settle' ? 'settle' : 'refund';

  for (const request of requests) {
    const hold: TransactionRow | undefined = holds.get(request.holdReference);
    const held = hold && counters.get(hold.id);
    if (!hold || !held) {
      results.push(outcome(request, 'unknown_hold'));
      continue;
    }
    const stillHeld = held.quotaParts + held.provisionParts;
    const prior = applied.get(request.reference);
    if (prior) {
      if (prior.holdId !== hold.id) {
        results.push(outcome(request, 'conflict', stillHeld, `The ${verb} reference ${request.reference} was already used on another hold (ledger transaction ${prior.holdId})`));
      } else {
        results.push({ ...outcome(request, prior.result.status, stillHeld), ...prior.result, replayed: true });
      }
      continue;
    }
    if (request.parts !== undefined && request.parts > stillHeld) {
      results.push(outcome(request, 'conflict', stillHeld, `Cannot ${verb} ${request.parts} part(s) of hold ${request.holdReference}: ${stillHeld} still held`));
      continue;
    }
    const parts = request.parts ?? stillHeld;
    if (parts === 0) {
      results.push(outcome(request, (await hasSettle(tx, hold.id)) ? 'already_settled' : 'already_refunded'));
      continue;
    }
    let quotaParts: number;
    let provisionParts: number;
    if (kind === 'settle') {
      quotaParts = Math.min(parts, held.quotaParts);
      provisionParts = parts - quotaParts;
    } else {
      provisionParts = Math.min(parts, held.provisionParts);
      quotaParts = parts - provisionParts;
    }
    held.quotaParts -= quotaParts;
    held.provisionParts -= provisionParts;
    const price = BigInt(hold.price_per_part_minor ?? 0);
    const provisionMinor = BigInt(provisionParts) * price;
    const period = currentPeriod.get(hold.wallet_account_id);
    const periodEnded = kind === 'refund' && hold.period_start !== null && period !== undefined && period !== null && hold.period_start.getTime() < period.getTime();
    const expiredQuotaParts = periodEnded ? quotaParts : 0;
    const result = { status: kind === 'settle' ? ('settled' as const) : ('refunded' as const), quotaParts, provisionParts, provisionMinor, expiredQuotaParts };
    applied.set(request.reference, { holdId: hold.id, result });
    results.push({ ...outcome(request, result.status, stillHeld - parts), ...result });
    drafts.push({
      holdId: hold.id,
      walletAccountId: hold.wallet_account_id,
      accountId: hold.account_id,
      reference: request.reference,
      quotaParts,
      provisionParts,
      pricePerPartMinor: price,
      limitMonths: kind === 'refund' ? hold.limit_months : null,
      postings: postings(kind, quotaParts, provisionMinor, expiredQuotaParts),
    });
    // A refund gives room back in the months the hold was charged to.
    if (kind === 'refund') {
      for (const [accountId, month] of Object.entries(hold.limit_months ?? {})) spending.push({ accountId, month, deltaMinor: -(BigInt(parts) * price) });
    }
  }

  if (drafts.length > 0) {
    const written = await postFollowUps(tx, kind, drafts, spending, now);
    if (written !== drafts.length) throw new Error(`ledger: wrote ${written} of ${drafts.length} ${kind} transactions`);
  }
  return results;
}

function checkParts(parts: unknown, field: string): void {
  if (!Number.isSafeInteger(parts) || (parts as number) < 1) throw invalid(field, 'At least one part is needed');
}

function checkReference(reference: unknown, field: string): void {
  if (typeof reference !== 'string' || reference.length === 0) throw invalid(field, 'A reference is needed');
}

/** `settle` / `refund`: one item, its reference defaulting to the hold's; a conflict throws. */
export async function followUpOne(db: Executor, kind: FollowUpKind, holdReference: string, options: FollowUpOptions): Promise<HoldOutcome> {
  checkReference(holdReference, 'hold_reference');
  if (options.parts !== undefined) checkParts(options.parts, 'parts');
  if (options.reference !== undefined) checkReference(options.reference, 'reference');
  const request = { holdReference, reference: options.reference ?? holdReference, parts: options.parts };
  const [result] = await inTransaction(db, (tx) => applyFollowUps(tx, kind, [request], options.now ?? new Date()));
  const { status, error, reference, replayed, quotaParts, provisionParts, provisionMinor, expiredQuotaParts, partsStillHeld } = result!;
  if (status === 'conflict') throw new AppError('conflict', error ?? 'conflict', { context: { holdReference, reference, parts: options.parts } });
  return { status, reference, replayed, quotaParts, provisionParts, provisionMinor, expiredQuotaParts, partsStillHeld };
}

/** Validates every item of `settleMany` / `refundMany`; the requests to apply. */
function checkItems(items: HoldItem[]): FollowUpRequest[] {
  if (!Array.isArray(items)) throw invalid('items', 'A list of items is needed');
  items.forEach((item, i) => {
    checkReference(item?.holdReference, `items[${i}].hold_reference`);
    checkReference(item.reference, `items[${i}].reference`);
    checkParts(item.parts, `items[${i}].parts`);
  });
  return items.map((i) => ({ holdReference: i.holdReference, reference: i.reference, parts: i.parts }));
}

/** `settleMany` / `refundMany`: validates every item first, then one transaction for all. */
export async function followUpMany(db: Executor, kind: FollowUpKind, items: HoldItem[], options: { now?: Date }): Promise<HoldItemOutcome[]> {
  const requests = checkItems(items);
  if (requests.length === 0) return [];
  return inTransaction(db, (tx) => applyFollowUps(tx, kind, requests, options.now ?? new Date()));
}

/** `releaseMany`: settles, then refunds, with the wallets of both locked once, in order, first. */
export async function followUpBoth(
  db: Executor,
  lists: { settle?: HoldItem[]; refund?: HoldItem[] },
  options: { now?: Date },
): Promise<{ settled: HoldItemOutcome[]; refunded: HoldItemOutcome[] }> {
  const settle = lists.settle ?? [];
  const refund = lists.refund ?? [];
  const now = options.now ?? new Date();
  return inTransaction(db, async (tx) => {
    const locked = await lockHolds(tx, [...settle, ...refund].map((i) => i.holdReference));
    // Both lists reuse these holds and locks: each wallet is locked once per call.
    const settled = await applyFollowUps(tx, 'settle', checkItems(settle), now, locked);
    const refunded = await applyFollowUps(tx, 'refund', checkItems(refund), now, locked);
    return { settled, refunded };
  });
}
