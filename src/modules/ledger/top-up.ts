import type { Executor } from '../../platform/db/index.js';
import { invalid, notFound } from '../../platform/errors.js';
import { ensureWallet, findAccountChain, lockWallet, postTransaction } from './ledger.repository.js';
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
}

/** Adds provision to a wallet. Returns the ledger transaction id. */
export async function topUp(db: Executor, input: TopUpInput): Promise<{ transactionId: string }> {
  if (typeof input.amountMinor !== 'bigint' || input.amountMinor <= 0n) throw invalid('amount', 'A top-up must be more than zero');
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
