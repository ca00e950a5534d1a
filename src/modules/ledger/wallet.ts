import type { Executor } from '../../platform/db/index.js';
import { notFound } from '../../platform/errors.js';
import {
  ensureWallet,
  findAccountChain,
  lockWallet,
  tryLockWallet,
  postTransaction,
  readBalances,
  setWalletPeriod,
  type ChainRow,
  type WalletRow,
} from './ledger.repository.js';

/** Runs `fn` in the caller's transaction when there is one, else in a transaction of its own. */
export function inTransaction<T>(db: Executor, fn: (tx: Executor) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

export interface OpenWallet {
  /** The spender first, the wallet owner last. */
  chain: ChainRow[];
  owner: ChainRow;
  wallet: WalletRow;
}

/**
 * Finds the wallet `accountId` spends from, creates it on first use, locks it and rolls its quota
 * period forward to `now`. Must run inside a transaction.
 */
export async function openWallet(tx: Executor, accountId: string, now: Date): Promise<OpenWallet> {
  const chain = await findAccountChain(tx, accountId, now);
  const owner = chain[chain.length - 1];
  if (!owner) throw notFound('Account');
  let locked = await tryLockWallet(tx, owner.id);
  if (!locked) {
    await ensureWallet(tx, owner.id);
    locked = await lockWallet(tx, owner.id);
  }
  const wallet = await rollWallet(tx, locked, owner);
  return { chain, owner, wallet };
}

/** True when the wallet's recorded period is not the one containing `owner.period_start`. */
export function needsRoll(wallet: Pick<WalletRow, 'period_start' | 'monthly_quota'>, owner: Pick<ChainRow, 'period_start'>): boolean {
  if (wallet.period_start === null) return wallet.monthly_quota > 0;
  return wallet.period_start.getTime() < owner.period_start.getTime();
}

/**
 * The lazy roll, run with the wallet locked: when `now` (through `owner.period_*`) is in a later
 * period than the one granted last, the old period's remaining quota expires (an `expire`
 * transaction dated at the old period's end) and the current period's quota is granted (a `grant`
 * dated at its start). Periods skipped entirely get nothing: their grant would expire unused.
 * A clock that goes backwards never rolls back. Idempotent, also by the unique indexes.
 */
export async function rollWallet(tx: Executor, wallet: WalletRow, owner: ChainRow): Promise<WalletRow> {
  if (wallet.period_start !== null && wallet.period_start.getTime() >= owner.period_start.getTime()) return wallet;
  if (wallet.period_start !== null && wallet.period_end !== null) {
    const { quota } = await readBalances(tx, wallet.account_id);
    if (quota > 0n) {
      await postTransaction(
        tx,
        { kind: 'expire', walletAccountId: wallet.account_id, accountId: wallet.account_id, at: wallet.period_end, periodStart: wallet.period_start, quotaParts: Number(quota) },
        [
          { bucket: 'quota', amount: -quota },
          { bucket: 'quota_expired', amount: quota },
        ],
      );
    }
  }
  if (wallet.monthly_quota > 0) {
    const grant = BigInt(wallet.monthly_quota);
    await postTransaction(
      tx,
      { kind: 'grant', walletAccountId: wallet.account_id, accountId: wallet.account_id, at: owner.period_start, periodStart: owner.period_start, quotaParts: wallet.monthly_quota },
      [
        { bucket: 'quota_grants', amount: -grant },
        { bucket: 'quota', amount: grant },
      ],
    );
  }
  await setWalletPeriod(tx, wallet.account_id, owner.period_start, owner.period_end);
  return { ...wallet, period_start: owner.period_start, period_end: owner.period_end };
}
