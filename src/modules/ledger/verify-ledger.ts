import type { Executor } from '../../platform/db/index.js';
import { findLedgerProblems } from './ledger-reports.repository.js';
import type { LedgerReport } from './types.js';

/**
 * Checks the ledger's promises on one snapshot: balances equal the sum of their entries, no
 * wallet bucket is negative, every transaction sums to zero per unit, no reference is held,
 * settled or refunded twice, a hold's settles and refunds together never exceed it, each hold's
 * counters equal what its transactions and entries leave held, what is held
 * equals what open holds reserve, and spending-limit counters match holds and refunds.
 * For `herald ledger verify` and the tests.
 */
export async function verifyLedger(db: Executor): Promise<LedgerReport> {
  const problems = db.isTransaction
    ? await findLedgerProblems(db)
    : await db.transaction().setIsolationLevel('repeatable read').setAccessMode('read only').execute((tx) => findLedgerProblems(tx));
  return { ok: problems.length === 0, problems };
}
