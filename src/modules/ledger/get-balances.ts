import type { Executor } from '../../platform/db/index.js';
import { notFound } from '../../platform/errors.js';
import { findAccountChain, findWallet, readBalances, readSpending, readWalletBalances, type ChainRow } from './ledger.repository.js';
import type { Balances } from './types.js';
import { inTransaction, needsRoll, openWallet } from './wallet.js';

/**
 * Finds the wallet an account spends from, rolled to `now` (a due roll is written, so what is
 * shown never depends on the job having run). Read-only when nothing is due.
 */
export async function currentWallet(db: Executor, accountId: string, now: Date) {
  const chain = await findAccountChain(db, accountId, now);
  const owner = chain[chain.length - 1];
  if (!owner) throw notFound('Account');
  let wallet = await findWallet(db, owner.id);
  if (wallet && needsRoll(wallet, owner)) wallet = (await inTransaction(db, (tx) => openWallet(tx, accountId, now))).wallet;
  return { chain, owner, wallet };
}

/** Balances per bucket of the wallet `accountId` spends from, and its own spending this month. */
export async function getBalances(db: Executor, accountId: string, options: { now?: Date } = {}): Promise<Balances> {
  const now = options.now ?? new Date();
  const { chain, owner, wallet } = await currentWallet(db, accountId, now);
  const b = await readBalances(db, owner.id);
  const spender = chain[0] as ChainRow;
  let spending: Balances['spending'] = null;
  if (chain.length > 1) {
    const spent = await readSpending(db, [{ accountId: spender.id, month: spender.month }]);
    spending = {
      limitMinor: spender.spending_limit_minor === null ? null : BigInt(spender.spending_limit_minor),
      spentMinor: spent.get(`${spender.id}|${spender.month}`) ?? 0n,
      month: spender.month,
    };
  }
  return {
    walletAccountId: owner.id,
    quota: {
      monthly: wallet?.monthly_quota ?? 0,
      remaining: Number(b.quota),
      held: Number(b.held_quota),
      periodStart: wallet?.period_start ?? null,
      periodEnd: wallet?.period_end ?? null,
    },
    provision: { availableMinor: b.provision, heldMinor: b.held_provision },
    spending,
  };
}

/** Available bought credit of several wallets at once, by wallet account; for checks that watch many accounts. */
export async function getProvisionBalances(db: Executor, walletAccountIds: string[]): Promise<Map<string, bigint>> {
  const balances = await readWalletBalances(db, walletAccountIds);
  return new Map([...balances].map(([id, b]) => [id, b.provision]));
}
