import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { createTestDatabase, type TestDatabase } from './test-db.js';
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

/**
 * A fresh database for the calling test file, with the ledger invariant
 * checked after every test. Call at the top level of the file.
 */
export function useLedgerDatabase(): () => TestDatabase {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterEach(() => expectLedgerConsistent(database!.db));
  afterAll(() => database?.drop());
  return () => database!;
}

/** The error a promise rejects with; fails the test when it resolves. */
export async function errorOf(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code?: string; message: string };
  }
  throw new Error('expected an error');
}
