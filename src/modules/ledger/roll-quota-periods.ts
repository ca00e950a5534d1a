import type { Executor } from '../../platform/db/index.js';
import { findAccountChain, listWalletsToRoll, lockWallet } from './ledger.repository.js';
import { inTransaction, rollWallet } from './wallet.js';

/**
 * The job's side of the monthly quota: for every wallet whose period has ended by `now` (in its
 * owner's time zone), expires the remaining quota and grants the new period. Safe to run
 * repeatedly and alongside holds (each wallet is rolled under its lock, in its own transaction
 * unless the caller passes one); holds roll lazily anyway, so correctness never waits for it.
 */
export async function rollQuotaPeriods(db: Executor, now: Date = new Date()): Promise<{ walletsRolled: number }> {
  let walletsRolled = 0;
  let after = '';
  for (;;) {
    const ids = await listWalletsToRoll(db, now, 200, after);
    if (ids.length === 0) return { walletsRolled };
    for (const id of ids) {
      const rolled = await inTransaction(db, async (tx) => {
        const owner = (await findAccountChain(tx, id, now))[0];
        if (!owner) return false;
        const wallet = await lockWallet(tx, id);
        const after = await rollWallet(tx, wallet, owner);
        return after !== wallet;
      });
      if (rolled) walletsRolled++;
    }
    after = ids[ids.length - 1]!;
  }
}
