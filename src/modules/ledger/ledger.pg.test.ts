import { describe, expect, it } from 'vitest';
import { sql } from '../../platform/db/index.js';
import { insertAccount, useLedgerDatabase, errorOf } from '../../../test/helpers/ledger.js';
import * as ledger from './index.js';

const database = useLedgerDatabase();
const db = () => database().db;
let seq = 0;
const ref = () => `msg_${process.pid}_${++seq}`;

/** A top-level account with a plan and provision. */
async function wallet(monthlyQuota: number, provision: bigint, timezone = 'UTC'): Promise<string> {
  const id = await insertAccount(db(), { timezone });
  if (monthlyQuota > 0) await ledger.setPlan(db(), id, { monthlyQuota });
  if (provision > 0n) await ledger.topUp(db(), { walletAccountId: id, amountMinor: provision, note: 'test', createdBy: 'usr_admin' });
  return id;
}


describe('top-up and balances', () => {
  it('adds provision to a top-level wallet and shows it per bucket', async () => {
    const id = await wallet(0, 0n);
    await ledger.topUp(db(), { walletAccountId: id, amountMinor: 1500n, note: 'invoice 1', createdBy: 'usr_admin' });
    await ledger.topUp(db(), { walletAccountId: id, amountMinor: 250n });
    const b = await ledger.getBalances(db(), id);
    expect(b).toMatchObject({ walletAccountId: id, provision: { availableMinor: 1750n, heldMinor: 0n }, quota: { remaining: 0, held: 0, monthly: 0 }, spending: null });
  });

  it('refuses zero, negative and subaccount top-ups', async () => {
    const parent = await wallet(0, 0n);
    const child = await insertAccount(db(), { parentId: parent });
    expect((await errorOf(ledger.topUp(db(), { walletAccountId: parent, amountMinor: 0n }))).code).toBe('invalid_request');
    expect((await errorOf(ledger.topUp(db(), { walletAccountId: parent, amountMinor: -5n }))).code).toBe('invalid_request');
    expect((await errorOf(ledger.topUp(db(), { walletAccountId: child, amountMinor: 5n }))).code).toBe('invalid_request');
    expect((await errorOf(ledger.topUp(db(), { walletAccountId: 'acct_nope', amountMinor: 5n }))).code).toBe('not_found');
    expect((await ledger.getBalances(db(), parent)).provision.availableMinor).toBe(0n);
  });
});

describe('hold, settle, refund', () => {
  it('uses the monthly quota before provision', async () => {
    const id = await wallet(5, 1000n);
    const h = await ledger.hold(db(), { accountId: id, reference: ref(), parts: 3, pricePerPartMinor: 10n });
    expect(h).toMatchObject({ quotaParts: 3, provisionParts: 0, provisionMinor: 0n, created: true });
    const b = await ledger.getBalances(db(), id);
    expect(b.quota).toMatchObject({ monthly: 5, remaining: 2, held: 3 });
    expect(b.provision).toEqual({ availableMinor: 1000n, heldMinor: 0n });
  });

  it('spans both buckets, then settles into the spent buckets', async () => {
    const id = await wallet(2, 100n);
    const reference = ref();
    const h = await ledger.hold(db(), { accountId: id, reference, parts: 5, pricePerPartMinor: 7n });
    expect(h).toMatchObject({ quotaParts: 2, provisionParts: 3, provisionMinor: 21n });
    let b = await ledger.getBalances(db(), id);
    expect([b.quota.remaining, b.quota.held, b.provision.availableMinor, b.provision.heldMinor]).toEqual([0, 2, 79n, 21n]);

    const s = await ledger.settle(db(), reference);
    expect(s).toMatchObject({ status: 'settled', quotaParts: 2, provisionParts: 3, provisionMinor: 21n });
    b = await ledger.getBalances(db(), id);
    expect([b.quota.remaining, b.quota.held, b.provision.availableMinor, b.provision.heldMinor]).toEqual([0, 0, 79n, 0n]);
    const spent = await db().selectFrom('ledger_balances').select(['bucket', 'balance']).where('wallet_account_id', '=', id)
      .where('bucket', 'in', ['spent_quota', 'spent_provision']).orderBy('bucket').execute();
    expect(spent).toEqual([{ bucket: 'spent_provision', balance: '21' }, { bucket: 'spent_quota', balance: '2' }]);
  });

  it('refunds a whole hold to the buckets it came from', async () => {
    const id = await wallet(2, 100n);
    const reference = ref();
    await ledger.hold(db(), { accountId: id, reference, parts: 5, pricePerPartMinor: 7n });
    const r = await ledger.refund(db(), reference);
    expect(r).toMatchObject({ status: 'refunded', quotaParts: 2, provisionParts: 3, provisionMinor: 21n, expiredQuotaParts: 0, partsStillHeld: 0 });
    const b = await ledger.getBalances(db(), id);
    expect([b.quota.remaining, b.quota.held, b.provision.availableMinor, b.provision.heldMinor]).toEqual([2, 0, 100n, 0n]);
  });

  it('refunds some parts, provision first, and settles the rest', async () => {
    const id = await wallet(2, 100n);
    const reference = ref();
    await ledger.hold(db(), { accountId: id, reference, parts: 5, pricePerPartMinor: 7n });
    const r = await ledger.refund(db(), reference, { parts: 4 });
    expect(r).toMatchObject({ status: 'refunded', quotaParts: 1, provisionParts: 3, provisionMinor: 21n, partsStillHeld: 1 });
    let b = await ledger.getBalances(db(), id);
    expect([b.quota.remaining, b.quota.held, b.provision.availableMinor, b.provision.heldMinor]).toEqual([1, 1, 100n, 0n]);
    expect(await ledger.settle(db(), reference)).toMatchObject({ status: 'settled', quotaParts: 1, provisionParts: 0, replayed: false });
    // Refunding again under the hold's reference replays the first refund; under a new one, nothing is left.
    expect(await ledger.refund(db(), reference)).toMatchObject({ status: 'refunded', replayed: true, quotaParts: 1, provisionParts: 3, partsStillHeld: 0 });
    expect(await ledger.refund(db(), reference, { reference: ref() })).toMatchObject({ status: 'already_settled', replayed: false, quotaParts: 0 });
    expect((await errorOf(ledger.refund(db(), reference, { reference: ref(), parts: 1 }))).code).toBe('conflict');
    b = await ledger.getBalances(db(), id);
    expect([b.quota.remaining, b.quota.held, b.provision.availableMinor, b.provision.heldMinor]).toEqual([1, 0, 100n, 0n]);
  });

  it('refunds a provision-only hold partially; a repeated refund is a replay, a new reference refunds more', async () => {
    const id = await wallet(0, 100n);
    const reference = ref();
    await ledger.hold(db(), { accountId: id, reference, parts: 3, pricePerPartMinor: 10n });
    expect(await ledger.refund(db(), reference, { parts: 1 })).toMatchObject({ status: 'refunded', provisionParts: 1, provisionMinor: 10n, partsStillHeld: 2 });
    expect(await ledger.refund(db(), reference, { parts: 1 })).toMatchObject({ status: 'refunded', replayed: true, provisionMinor: 10n, partsStillHeld: 2 });
    expect(await ledger.refund(db(), reference, { parts: 1, reference: `${reference}_b` })).toMatchObject({ status: 'refunded', replayed: false, partsStillHeld: 1 });
    expect(await ledger.settle(db(), reference)).toMatchObject({ status: 'settled', provisionParts: 1, provisionMinor: 10n });
    const b = await ledger.getBalances(db(), id);
    expect([b.provision.availableMinor, b.provision.heldMinor]).toEqual([90n, 0n]);
  });

  it('cancels a held message: everything back, a late settle is a no-op', async () => {
    const id = await wallet(1, 50n);
    const reference = ref();
    const before = await ledger.getBalances(db(), id);
    await ledger.hold(db(), { accountId: id, reference, parts: 2, pricePerPartMinor: 5n });
    expect((await ledger.refund(db(), reference)).status).toBe('refunded');
    expect(await ledger.settle(db(), reference)).toMatchObject({ status: 'already_refunded', quotaParts: 0, provisionMinor: 0n, replayed: false });
    expect(await ledger.getBalances(db(), id)).toEqual(before);
  });

  it('is idempotent: one hold per reference, a repeated settle replays the first', async () => {
    const id = await wallet(0, 100n);
    const reference = ref();
    const first = await ledger.hold(db(), { accountId: id, reference, parts: 2, pricePerPartMinor: 10n });
    const again = await ledger.hold(db(), { accountId: id, reference, parts: 2, pricePerPartMinor: 10n });
    expect(again).toEqual({ ...first, created: false });
    expect((await ledger.getBalances(db(), id)).provision).toEqual({ availableMinor: 80n, heldMinor: 20n });
    const settled = await ledger.settle(db(), reference);
    expect(settled).toMatchObject({ status: 'settled', replayed: false, provisionParts: 2 });
    expect(await ledger.settle(db(), reference)).toEqual({ ...settled, replayed: true });
    expect((await ledger.hold(db(), { accountId: id, reference, parts: 2, pricePerPartMinor: 10n })).holdId).toBe(first.holdId);
    expect((await ledger.getBalances(db(), id)).provision).toEqual({ availableMinor: 80n, heldMinor: 0n });
    expect((await ledger.settle(db(), 'msg_unknown')).status).toBe('unknown_hold');
    expect((await ledger.refund(db(), 'msg_unknown')).status).toBe('unknown_hold');
    const other = await wallet(0, 100n);
    expect((await errorOf(ledger.hold(db(), { accountId: other, reference, parts: 1, pricePerPartMinor: 1n }))).code).toBe('conflict');
  });

  it('refuses a hold beyond the credit and writes nothing, in the caller transaction too', async () => {
    const id = await wallet(2, 10n);
    const reference = ref();
    const error = await errorOf(ledger.hold(db(), { accountId: id, reference, parts: 5, pricePerPartMinor: 5n }));
    expect(error.code).toBe('insufficient_credit');
    expect(error.message).toContain('2 part(s) of monthly quota left and 10 of provision, 15 needed');
    await db().transaction().execute(async (tx) => {
      expect((await errorOf(ledger.hold(tx, { accountId: id, reference, parts: 5, pricePerPartMinor: 5n }))).code).toBe('insufficient_credit');
      // The caller's transaction is still usable and commits its own work.
      await ledger.hold(tx, { accountId: id, reference, parts: 2, pricePerPartMinor: 5n });
    });
    const rows = await db().selectFrom('ledger_transactions').select('quota_parts').where('reference', '=', reference).execute();
    expect(rows).toEqual([{ quota_parts: 2 }]);
    const b = await ledger.getBalances(db(), id);
    expect([b.quota.remaining, b.quota.held, b.provision.availableMinor]).toEqual([0, 2, 10n]);
  });

  it('rolls back with the caller transaction', async () => {
    const id = await wallet(0, 10n);
    const reference = ref();
    await expect(
      db().transaction().execute(async (tx) => {
        await ledger.hold(tx, { accountId: id, reference, parts: 1, pricePerPartMinor: 4n });
        throw new Error('message insert failed');
      }),
    ).rejects.toThrow('message insert failed');
    expect((await ledger.getBalances(db(), id)).provision).toEqual({ availableMinor: 10n, heldMinor: 0n });
    expect((await ledger.settle(db(), reference)).status).toBe('unknown_hold');
  });
});

describe('subaccounts', () => {
  it('spend from the top-level wallet, and entries record who spent', async () => {
    const parent = await wallet(1, 100n);
    const child = await insertAccount(db(), { parentId: parent });
    const h = await ledger.hold(db(), { accountId: child, reference: ref(), parts: 3, pricePerPartMinor: 10n });
    expect(h).toMatchObject({ walletAccountId: parent, accountId: child, quotaParts: 1, provisionMinor: 20n });
    const b = await ledger.getBalances(db(), child);
    expect(b).toMatchObject({ walletAccountId: parent, quota: { remaining: 0, held: 1 }, provision: { availableMinor: 80n, heldMinor: 20n } });
    expect(b.spending).toMatchObject({ limitMinor: null, spentMinor: 30n });
    const spenders = await db().selectFrom('ledger_entries').select('spender_account_id').distinct()
      .where('transaction_id', '=', h.holdId).execute();
    expect(spenders).toEqual([{ spender_account_id: child }]);
  });

  it('enforce the spending limit per month at price × parts, whichever bucket pays', async () => {
    const parent = await wallet(100, 0n);
    const child = await insertAccount(db(), { parentId: parent, spendingLimitMinor: 100n });
    await ledger.hold(db(), { accountId: child, reference: ref(), parts: 6, pricePerPartMinor: 10n });
    const last = ref();
    await ledger.hold(db(), { accountId: child, reference: last, parts: 4, pricePerPartMinor: 10n });
    const error = await errorOf(ledger.hold(db(), { accountId: child, reference: ref(), parts: 1, pricePerPartMinor: 10n }));
    expect(error.code).toBe('spending_limit_reached');
    expect(error.message).toBe("This account's spending limit is reached: 100 of 100 spent this month, 0 left, 10 needed");
    // The quota paid for all of it: the wallet still has 90 parts.
    expect((await ledger.getBalances(db(), parent)).quota.remaining).toBe(90);
    // A refund gives the room back.
    await ledger.refund(db(), last, { parts: 2 });
    await ledger.hold(db(), { accountId: child, reference: ref(), parts: 2, pricePerPartMinor: 10n });
    expect((await ledger.getBalances(db(), child)).spending).toMatchObject({ limitMinor: 100n, spentMinor: 100n });
    // The parent itself has no limit.
    await ledger.hold(db(), { accountId: parent, reference: ref(), parts: 20, pricePerPartMinor: 10n });
  });

  it('enforce a limited child for its unlimited grandchild', async () => {
    const parent = await wallet(0, 1000n);
    const child = await insertAccount(db(), { parentId: parent, spendingLimitMinor: 50n });
    const grandchild = await insertAccount(db(), { parentId: child });
    await ledger.hold(db(), { accountId: grandchild, reference: ref(), parts: 3, pricePerPartMinor: 10n });
    await ledger.hold(db(), { accountId: child, reference: ref(), parts: 2, pricePerPartMinor: 10n });
    const error = await errorOf(ledger.hold(db(), { accountId: grandchild, reference: ref(), parts: 1, pricePerPartMinor: 10n }));
    expect(error.code).toBe('spending_limit_reached');
    // A subaccount never sees its parent's id: the message says whose limit it is, the context (not shown) which.
    expect(error.message).toBe("A parent account's spending limit is reached: 50 of 50 spent this month, 0 left, 10 needed");
    expect(error.message).not.toContain(child);
    expect((error as { context?: unknown }).context).toMatchObject({ accountId: child, spenderAccountId: grandchild });
    expect((await ledger.getBalances(db(), parent)).provision).toEqual({ availableMinor: 950n, heldMinor: 50n });
    expect((await ledger.getBalances(db(), grandchild)).spending).toMatchObject({ limitMinor: null, spentMinor: 30n });
  });
});

describe('history', () => {
  it('is append-only: UPDATE, DELETE and TRUNCATE of entries and transactions raise', async () => {
    const id = await wallet(0, 10n);
    for (const statement of [
      sql`update ledger_entries set amount = amount + 1 where wallet_account_id = ${id}`,
      sql`delete from ledger_entries where wallet_account_id = ${id}`,
      sql`update ledger_transactions set note = 'edited' where wallet_account_id = ${id}`,
      sql`delete from ledger_transactions where wallet_account_id = ${id}`,
      sql`truncate ledger_entries, ledger_transactions, ledger_holds`,
    ]) {
      await expect(statement.execute(db())).rejects.toThrow(/append-only/);
    }
    expect((await ledger.getBalances(db(), id)).provision.availableMinor).toBe(10n);
  });

  it('verify reports a balance that does not match its entries, and a negative bucket', async () => {
    const id = await wallet(0, 10n);
    await sql`update ledger_balances set balance = balance + 5 where wallet_account_id = ${id} and bucket = 'provision'`.execute(db());
    const report = await ledger.verifyLedger(db());
    expect(report.ok).toBe(false);
    expect(report.problems).toEqual([`balance of ${id}/provision is 15 but its entries sum to 10`]);
    await sql`update ledger_balances set balance = balance - 5 where wallet_account_id = ${id} and bucket = 'provision'`.execute(db());
    await expect(sql`update ledger_balances set balance = -1 where wallet_account_id = ${id} and bucket = 'provision'`.execute(db())).rejects.toThrow(/check/);
  });
});
