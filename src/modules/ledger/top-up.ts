import { createHash } from 'node:crypto';
import type { Executor } from '../../platform/db/index.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { ensureWallet, findAccountChain, lockWallet, postTransaction } from './ledger.repository.js';
import { findTopUpKey, insertTopUpKey, lockTopUpKey } from './topup-keys.repository.js';
import { inTransaction } from './wallet.js';

/** An administrator's purchase of credit ("provision") for a wallet; it never expires. */
export interface TopUpInput {
  /** A top-level account: credit belongs to the wallet owner, subaccounts spend from it. */
  walletAccountId: string;
  /** Money in integer minor units of the installation currency; more than zero. */
  amountMinor: bigint;
  note?: string | null;
  /** The user (administrator) who recorded it. */
  createdBy?: string | null;
  /** When it counts from (the usage graph); defaults to now. */
  now?: Date;
  /**
   * The caller's Idempotency-Key, scoped to the caller's account (the
   * operator's, or `cli`): the same key again credits nothing more and
   * answers the first transaction; with a different top-up it is refused.
   */
  idempotency?: { scope: string; key: string };
}

/** What a top-up's key stands for: the same wallet, amount and note. */
const topUpHash = (input: TopUpInput): Buffer =>
  createHash('sha256').update(JSON.stringify([input.walletAccountId, input.amountMinor.toString(), input.note ?? null])).digest();

/** Adds provision to a wallet. Returns the ledger transaction id, and whether an earlier call with the key made it. */
export async function topUp(db: Executor, input: TopUpInput): Promise<{ transactionId: string; replayed: boolean }> {
  if (typeof input.amountMinor !== 'bigint' || input.amountMinor <= 0n) throw invalid('amount', 'A top-up must be more than zero');
  const idem = input.idempotency;
  if (!idem) return { ...(await postTopUp(db, input)), replayed: false };
  return inTransaction(db, async (tx) => {
    await lockTopUpKey(tx, idem.scope, idem.key);
    const hash = topUpHash(input);
    const earlier = await findTopUpKey(tx, idem.scope, idem.key);
    if (earlier) {
      if (!earlier.request_hash.equals(hash)) {
        throw new AppError('idempotency_mismatch', 'This Idempotency-Key was used with a different top-up', { field: 'idempotency-key' });
      }
      return { transactionId: String(earlier.transaction_id), replayed: true };
    }
    const { transactionId } = await postTopUp(tx, input);
    await insertTopUpKey(tx, { accountId: idem.scope, key: idem.key, hash, transactionId });
    return { transactionId, replayed: false };
  });
}

async function postTopUp(db: Executor, input: TopUpInput): Promise<{ transactionId: string }> {
  const now = input.now ?? new Date();
  return inTransaction(db, async (tx) => {
    const chain = await findAccountChain(tx, input.walletAccountId, now);
    if (chain.length === 0) throw notFound('Account');
    if (chain.length > 1) throw invalid('account', 'Credit belongs to a top-level account; top up its wallet instead');
    await ensureWallet(tx, input.walletAccountId);
    await lockWallet(tx, input.walletAccountId);
    const transactionId = await postTransaction(
      tx,
      { kind: 'topup', walletAccountId: input.walletAccountId, accountId: input.walletAccountId, at: now, note: input.note ?? null, createdBy: input.createdBy ?? null },
      [
        { bucket: 'topups', amount: -input.amountMinor },
        { bucket: 'provision', amount: input.amountMinor },
      ],
    );
    return { transactionId };
  });
}
