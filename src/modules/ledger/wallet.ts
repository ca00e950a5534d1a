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

/** A due roll of one wallet: the expiry and grant to post, then the period to record. */
export interface RollPlan {
  expire: { at: Date; periodStart: Date; quotaParts: bigint } | null;
  grant: { at: Date; periodStart: Date; quotaParts: number } | null;
  period: { start: Date; end: Date };
}

/**
 * What the lazy roll writes for `wallet` (locked, with `quota` parts left) at `owner`'s current
 * period, or null when nothing is due. See `rollWallet`.
 */
export function planRoll(wallet: WalletRow, owner: ChainRow, quota: bigint): RollPlan | null {
  if (wallet.period_start !== null && wallet.period_start.getTime() >= owner.period_start.getTime()) return null;
  return {
    expire:
      wallet.period_start !== null && wallet.period_end !== null && quota > 0n
        ? { at: wallet.period_end, periodStart: wallet.period_start, quotaParts: quota }
        : null,
    grant: wallet.monthly_quota > 0 ? { at: owner.period_start, periodStart: owner.period_start, quotaParts: wallet.monthly_quota } : null,
    period: { start: owner.period_start, end: owner.period_end },
  };
}

/**
 * The lazy roll, run with the wallet locked: when `now` (through `owner.period_*`) is in a later
 * period than the one granted last, the old period's remaining quota expires (an `expire`
 * transaction dated at the old period's end) and the current period's quota is granted (a `grant`
 * dated at its start). Periods skipped entirely get nothing: their grant would expire unused.
 * A clock that goes backwards never rolls back. Idempotent, also by the unique indexes.
 */
export async function rollWallet(tx: Executor, wallet: WalletRow, owner: ChainRow): Promise<WalletRow> {
  if (!planRoll(wallet, owner, 0n)) return wallet;
  const quota = wallet.period_start !== null ? (await readBalances(tx, wallet.account_id)).quota : 0n;
  const plan = planRoll(wallet, owner, quota)!;
  const w = wallet.account_id;
  if (plan.expire) {
    const { at, periodStart, quotaParts } = plan.expire;
    await postTransaction(tx, { kind: 'expire', walletAccountId: w, accountId: w, at, periodStart, quotaParts: Number(quotaParts) }, [
      { bucket: 'quota', amount: -quotaParts },
      { bucket: 'quota_expired', amount: quotaParts },
    ]);
  }
  if (plan.grant) {
    const { at, periodStart, quotaParts } = plan.grant;
    await postTransaction(tx, { kind: 'grant', walletAccountId: w, accountId: w, at, periodStart, quotaParts }, [
      { bucket: 'quota_grants', amount: -BigInt(quotaParts) },
      { bucket: 'quota', amount: BigInt(quotaParts) },
    ]);
  }
  await setWalletPeriod(tx, w, plan.period.start, plan.period.end);
  return { ...wallet, period_start: plan.period.start, period_end: plan.period.end };
}
