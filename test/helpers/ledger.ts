import { randomBytes } from 'node:crypto';
import { expect } from 'vitest';
import { verifyLedger } from '../../src/modules/ledger/index.js';
import type { Executor } from '../../src/platform/db/index.js';

/** Fails the test with the ledger's problems (balances vs entries, negatives, double charges…). */
export async function expectLedgerConsistent(db: Executor): Promise<void> {
  const report = await verifyLedger(db);
  expect(report.problems, 'ledger invariant').toEqual([]);
  expect(report.ok).toBe(true);
}

/** An `accounts` row written directly, for ledger tests that need no users. */
export async function insertAccount(
  db: Executor,
  options: { parentId?: string; timezone?: string; spendingLimitMinor?: bigint | null } = {},
): Promise<string> {
  const id = `acct_test${randomBytes(6).toString('hex')}`;
  await db
    .insertInto('accounts')
    .values({
      id,
      name: id,
      parent_id: options.parentId ?? null,
      timezone: options.timezone ?? 'UTC',
      spending_limit_minor: options.spendingLimitMinor ?? null,
    })
    .execute();
  return id;
}
