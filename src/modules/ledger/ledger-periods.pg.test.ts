import { describe, expect, it } from 'vitest';
import { openDatabase, type Executor } from '../../platform/db/index.js';
import { insertAccount, useLedgerDatabase } from '../../../test/helpers/ledger.js';
import * as ledger from './index.js';

const database = useLedgerDatabase();
const db = () => database().db;
const at = (iso: string) => new Date(iso);
let seq = 0;
const ref = () => `msg_p${process.pid}_${++seq}`;

function periodRows(db: Executor, walletId: string) {
  return db
    .selectFrom('ledger_transactions')
    .select(['kind', 'quota_parts', 'at', 'period_start'])
    .where('wallet_account_id', '=', walletId)
    .where('kind', 'in', ['grant', 'expire'])
    .orderBy('id')
    .execute();
}

async function bucket(walletId: string, name: string): Promise<string | undefined> {
  const row = await db().selectFrom('ledger_balances').select('balance').where('wallet_account_id', '=', walletId)
    .where('bucket', '=', name as 'quota').executeTakeFirst();
  return row?.balance;
}

describe('quota periods', () => {
  it('rolls lazily at local midnight in Pacific/Auckland: the remainder expires, the new grant appears', async () => {
    const id = await insertAccount(db(), { timezone: 'Pacific/Auckland' });
    await ledger.setPlan(db(), id, { monthlyQuota: 10 }, at('2025-01-15T00:00:00Z'));
    await ledger.topUp(db(), { walletAccountId: id, amountMinor: 500n, now: at('2025-01-15T00:00:00Z') });
    // 23:30 on 31 January in Auckland (UTC+13): still January.
    await ledger.hold(db(), { accountId: id, reference: ref(), parts: 3, pricePerPartMinor: 10n, now: at('2025-01-31T10:30:00Z') });
    const jan = await ledger.getBalances(db(), id, { now: at('2025-01-31T10:30:00Z') });
    expect(jan.quota).toMatchObject({ remaining: 7, periodStart: at('2024-12-31T11:00:00Z'), periodEnd: at('2025-01-31T11:00:00Z') });
    // 00:30 on 1 February in Auckland.
    const h = await ledger.hold(db(), { accountId: id, reference: ref(), parts: 1, pricePerPartMinor: 10n, now: at('2025-01-31T11:30:00Z') });
    expect(h).toMatchObject({ quotaParts: 1, provisionParts: 0 });
    const feb = await ledger.getBalances(db(), id, { now: at('2025-01-31T11:30:00Z') });
    expect(feb.quota).toMatchObject({ remaining: 9, held: 4, periodStart: at('2025-01-31T11:00:00Z'), periodEnd: at('2025-02-28T11:00:00Z') });
    expect(feb.provision).toEqual({ availableMinor: 500n, heldMinor: 0n });
    expect(await periodRows(db(), id)).toEqual([
      { kind: 'grant', quota_parts: 10, at: at('2024-12-31T11:00:00Z'), period_start: at('2024-12-31T11:00:00Z') },
      { kind: 'expire', quota_parts: 7, at: at('2025-01-31T11:00:00Z'), period_start: at('2024-12-31T11:00:00Z') },
      { kind: 'grant', quota_parts: 10, at: at('2025-01-31T11:00:00Z'), period_start: at('2025-01-31T11:00:00Z') },
    ]);
    expect(await bucket(id, 'quota_expired')).toBe('7');
  });

  it('rolls by the job in America/Los_Angeles, repeatably, and the next hold uses the new period', async () => {
    const id = await insertAccount(db(), { timezone: 'America/Los_Angeles' });
    await ledger.setPlan(db(), id, { monthlyQuota: 10 }, at('2025-01-10T00:00:00Z'));
    await ledger.topUp(db(), { walletAccountId: id, amountMinor: 70n, now: at('2025-01-10T00:00:00Z') });
    // 23:30 on 31 January in Los Angeles (UTC-8).
    await ledger.hold(db(), { accountId: id, reference: ref(), parts: 2, pricePerPartMinor: 10n, now: at('2025-02-01T07:30:00Z') });
    await ledger.rollQuotaPeriods(db(), at('2025-02-01T07:59:59Z'));
    expect((await periodRows(db(), id)).map((r) => r.kind)).toEqual(['grant']);
    expect((await ledger.rollQuotaPeriods(db(), at('2025-02-01T08:00:00Z'))).walletsRolled).toBeGreaterThanOrEqual(1);
    expect(await ledger.rollQuotaPeriods(db(), at('2025-02-01T08:00:00Z'))).toEqual({ walletsRolled: 0 });
    expect(await ledger.rollQuotaPeriods(db(), at('2025-02-01T09:00:00Z'))).toEqual({ walletsRolled: 0 });
    expect(await periodRows(db(), id)).toEqual([
      { kind: 'grant', quota_parts: 10, at: at('2025-01-01T08:00:00Z'), period_start: at('2025-01-01T08:00:00Z') },
      { kind: 'expire', quota_parts: 8, at: at('2025-02-01T08:00:00Z'), period_start: at('2025-01-01T08:00:00Z') },
      { kind: 'grant', quota_parts: 10, at: at('2025-02-01T08:00:00Z'), period_start: at('2025-02-01T08:00:00Z') },
    ]);
    const h = await ledger.hold(db(), { accountId: id, reference: ref(), parts: 11, pricePerPartMinor: 10n, now: at('2025-02-01T08:30:00Z') });
    expect(h).toMatchObject({ quotaParts: 10, provisionParts: 1, provisionMinor: 10n });
    const b = await ledger.getBalances(db(), id, { now: at('2025-02-01T08:30:00Z') });
    expect(b.quota).toMatchObject({ remaining: 0, held: 12 });
    expect(b.provision).toEqual({ availableMinor: 60n, heldMinor: 10n });
  });

  it('grants only the current period after months without activity', async () => {
    const id = await insertAccount(db(), { timezone: 'UTC' });
    await ledger.setPlan(db(), id, { monthlyQuota: 4 }, at('2025-01-05T00:00:00Z'));
    await ledger.hold(db(), { accountId: id, reference: ref(), parts: 1, pricePerPartMinor: 1n, now: at('2025-04-10T00:00:00Z') });
    expect((await periodRows(db(), id)).map((r) => [r.kind, r.quota_parts, r.period_start?.toISOString()])).toEqual([
      ['grant', 4, '2025-01-01T00:00:00.000Z'],
      ['expire', 4, '2025-01-01T00:00:00.000Z'],
      ['grant', 4, '2025-04-01T00:00:00.000Z'],
    ]);
    expect((await ledger.getBalances(db(), id, { now: at('2025-04-10T00:00:00Z') })).quota.remaining).toBe(3);
  });

  it('expires refunded quota whose period has ended, and refunds provision as usual', async () => {
    const id = await insertAccount(db(), { timezone: 'UTC' });
    await ledger.setPlan(db(), id, { monthlyQuota: 5 }, at('2025-03-01T00:00:00Z'));
    await ledger.topUp(db(), { walletAccountId: id, amountMinor: 100n, now: at('2025-03-01T00:00:00Z') });
    const first = ref();
    const second = ref();
    await ledger.hold(db(), { accountId: id, reference: first, parts: 3, pricePerPartMinor: 10n, now: at('2025-03-20T00:00:00Z') });
    await ledger.hold(db(), { accountId: id, reference: second, parts: 4, pricePerPartMinor: 10n, now: at('2025-03-21T00:00:00Z') });
    const r1 = await ledger.refund(db(), first, { now: at('2025-04-02T00:00:00Z') });
    expect(r1).toMatchObject({ status: 'refunded', quotaParts: 3, expiredQuotaParts: 3 });
    const r2 = await ledger.refund(db(), second, { now: at('2025-04-02T00:00:00Z') });
    expect(r2).toMatchObject({ status: 'refunded', quotaParts: 2, expiredQuotaParts: 2, provisionMinor: 20n });
    const b = await ledger.getBalances(db(), id, { now: at('2025-04-02T00:00:00Z') });
    expect(b.quota).toMatchObject({ remaining: 5, held: 0 });
    expect(b.provision).toEqual({ availableMinor: 100n, heldMinor: 0n });
    expect(await bucket(id, 'quota_expired')).toBe('5');
    // In the same period, a refund goes back to the quota.
    const third = ref();
    await ledger.hold(db(), { accountId: id, reference: third, parts: 2, pricePerPartMinor: 10n, now: at('2025-04-03T00:00:00Z') });
    expect(await ledger.refund(db(), third, { now: at('2025-04-30T23:59:59Z') })).toMatchObject({ quotaParts: 2, expiredQuotaParts: 0 });
    expect((await ledger.getBalances(db(), id, { now: at('2025-04-30T23:59:59Z') })).quota.remaining).toBe(5);
  });

  it('applies a new plan at once when the period has no grant yet, else from the next period', async () => {
    const id = await insertAccount(db(), { timezone: 'UTC' });
    await ledger.topUp(db(), { walletAccountId: id, amountMinor: 10n, now: at('2025-05-01T00:00:00Z') });
    await ledger.hold(db(), { accountId: id, reference: ref(), parts: 1, pricePerPartMinor: 1n, now: at('2025-05-03T00:00:00Z') });
    await ledger.setPlan(db(), id, { monthlyQuota: 10 }, at('2025-05-10T00:00:00Z'));
    expect((await ledger.getBalances(db(), id, { now: at('2025-05-10T00:00:00Z') })).quota).toMatchObject({ monthly: 10, remaining: 10 });
    await ledger.setPlan(db(), id, { monthlyQuota: 20 }, at('2025-05-12T00:00:00Z'));
    expect((await ledger.getBalances(db(), id, { now: at('2025-05-12T00:00:00Z') })).quota).toMatchObject({ monthly: 20, remaining: 10 });
    expect((await ledger.getBalances(db(), id, { now: at('2025-06-01T00:00:00Z') })).quota).toMatchObject({ monthly: 20, remaining: 20 });
    expect(await bucket(id, 'quota_expired')).toBe('10');
  });
});

describe('usage', () => {
  it('gives used and remaining per local day and month, summing to the entries', async () => {
    const parent = await insertAccount(db(), { timezone: 'Europe/Brussels' });
    const child = await insertAccount(db(), { parentId: parent, timezone: 'Europe/Brussels' });
    const start = at('2025-06-01T00:00:00Z');
    await ledger.setPlan(db(), parent, { monthlyQuota: 10 }, start);
    await ledger.topUp(db(), { walletAccountId: parent, amountMinor: 1000n, now: start });
    const a = ref();
    const b = ref();
    await ledger.hold(db(), { accountId: parent, reference: a, parts: 3, pricePerPartMinor: 10n, now: at('2025-06-01T08:00:00Z') });
    // 00:30 on 2 June in Brussels (UTC+2).
    await ledger.hold(db(), { accountId: child, reference: b, parts: 12, pricePerPartMinor: 10n, now: at('2025-06-01T22:30:00Z') });
    await ledger.refund(db(), b, { parts: 2, now: at('2025-06-03T08:00:00Z') });
    await ledger.settle(db(), a, { now: at('2025-06-03T09:00:00Z') });

    const range = { from: at('2025-05-31T22:00:00Z'), to: at('2025-06-03T22:00:00Z'), interval: 'day' as const, now: at('2025-06-04T00:00:00Z') };
    const days = await ledger.getUsage(db(), parent, range);
    expect(days.map((d) => [d.start.toISOString(), d.quotaUsed, d.provisionUsedMinor, d.quotaRemaining, d.provisionRemainingMinor])).toEqual([
      ['2025-05-31T22:00:00.000Z', 3, 0n, 7, 1000n],
      ['2025-06-01T22:00:00.000Z', 7, 50n, 0, 950n],
      ['2025-06-02T22:00:00.000Z', 0, -20n, 0, 970n],
    ]);
    const childDays = await ledger.getUsage(db(), child, range);
    expect(childDays.map((d) => [d.quotaUsed, d.provisionUsedMinor, d.quotaRemaining])).toEqual([[0, 0n, 7], [7, 50n, 0], [0, -20n, 0]]);

    const months = await ledger.getUsage(db(), parent, { from: at('2025-05-01T00:00:00Z'), to: at('2025-06-30T22:00:00Z'), interval: 'month', now: range.now });
    expect(months.map((m) => [m.start.toISOString(), m.quotaUsed, m.provisionUsedMinor, m.quotaRemaining, m.provisionRemainingMinor])).toEqual([
      ['2025-04-30T22:00:00.000Z', 0, 0n, 0, 0n],
      ['2025-05-31T22:00:00.000Z', 10, 30n, 0, 970n],
    ]);
    // What was used is what sits in the held and spent buckets.
    const rows = await db().selectFrom('ledger_balances').select(['bucket', 'balance']).where('wallet_account_id', '=', parent).execute();
    const balance = (name: string) => BigInt(rows.find((r) => r.bucket === name)!.balance);
    expect(BigInt(days.reduce((s, d) => s + d.quotaUsed, 0))).toBe(balance('held_quota') + balance('spent_quota'));
    expect(days.reduce((s, d) => s + d.provisionUsedMinor, 0n)).toBe(balance('held_provision') + balance('spent_provision'));
    expect(BigInt(days.at(-1)!.quotaRemaining)).toBe(balance('quota'));
    expect(days.at(-1)!.provisionRemainingMinor).toBe(balance('provision'));
  });
});

describe('concurrency', () => {
  it.each([
    ['10 parts of quota, rolled into a new period by the holds themselves', 10, 0n],
    ['10 parts worth of provision', 0, 100n],
  ])('50 concurrent one-part holds on %s: exactly 10 succeed', async (_name, quota, provision) => {
    const id = await insertAccount(db(), { timezone: 'UTC' });
    await ledger.setPlan(db(), id, { monthlyQuota: quota }, at('2025-01-10T00:00:00Z'));
    if (provision > 0n) await ledger.topUp(db(), { walletAccountId: id, amountMinor: provision });
    const wide = openDatabase(database().url, { poolSize: 25 });
    try {
      const now = at('2025-02-10T00:00:00Z');
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) => ledger.hold(wide.db, { accountId: id, reference: `${id}_${i}`, parts: 1, pricePerPartMinor: 10n, now })),
      );
      const ok = results.filter((r): r is PromiseFulfilledResult<ledger.Hold> => r.status === 'fulfilled');
      const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(ok).toHaveLength(10);
      expect(failed.map((r) => (r.reason as { code?: string }).code ?? String(r.reason))).toEqual(Array(40).fill('insufficient_credit'));
      // Settle and refund race too: each hold ends one way.
      const endings = await Promise.all(
        ok.map((r, i) => (i % 2 ? ledger.settle(wide.db, r.value.reference, { now }) : ledger.refund(wide.db, r.value.reference, { now }))),
      );
      expect(endings.every((e) => e.status !== 'unknown_hold')).toBe(true);
    } finally {
      await wide.close();
    }
    const b = await ledger.getBalances(db(), id, { now: at('2025-02-10T00:00:00Z') });
    expect(b.quota.held + Number(b.provision.heldMinor)).toBe(0);
    if (quota > 0) expect((await periodRows(db(), id)).map((r) => r.kind)).toEqual(['grant', 'expire', 'grant']);
  });
});
