import { Kysely, PostgresDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase, sql, type Database, type Executor } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors.js';
import { insertAccount, useLedgerDatabase } from '../../../test/helpers/ledger.js';
import * as ledger from './index.js';

const database = useLedgerDatabase();
const db = () => database().db;
const at = (iso: string) => new Date(iso);
let seq = 0;
const ref = (prefix = 'msg') => `${prefix}_hm${process.pid}_${++seq}`;

async function wallet(monthlyQuota: number, provision: bigint, options: { timezone?: string; now?: Date } = {}): Promise<string> {
  const id = await insertAccount(db(), { timezone: options.timezone ?? 'UTC' });
  if (monthlyQuota > 0) await ledger.setPlan(db(), id, { monthlyQuota }, options.now);
  if (provision > 0n) await ledger.topUp(db(), { walletAccountId: id, amountMinor: provision, now: options.now });
  return id;
}

async function buckets(walletId: string): Promise<Record<string, number>> {
  const rows = await db().selectFrom('ledger_balances').select(['bucket', 'balance']).where('wallet_account_id', '=', walletId).execute();
  return Object.fromEntries(rows.map((r) => [r.bucket, Number(r.balance)]));
}

/** A result without what differs between twin wallets (ids, references), for comparing runs. */
function shape(r: ledger.HoldResult) {
  if (!r.ok) return { code: r.error.code, message: r.error.message };
  const { quotaParts, provisionParts, provisionMinor, pricePerPartMinor, created } = r.hold;
  return { quotaParts, provisionParts, provisionMinor, pricePerPartMinor, created };
}

function ok(r: ledger.HoldResult | undefined): ledger.Hold {
  if (!r?.ok) throw new Error(`expected a hold, got ${r ? r.error.message : 'nothing'}`);
  return r.hold;
}

function failed(r: ledger.HoldResult | undefined): AppError {
  if (!r || r.ok) throw new Error('expected an error');
  expect(r.error).toBeInstanceOf(AppError);
  return r.error;
}

/** A Kysely on the test pool that counts the statements it sends (not destroyed: the pool is shared). */
function countingDb(): { db: Executor; count: () => number } {
  let n = 0;
  const counting = new Kysely<Database>({ dialect: new PostgresDialect({ pool: database().pool }), log: (e) => void (e.level === 'query' && n++) });
  return { db: counting, count: () => n };
}

describe('holdMany on one wallet', () => {
  it('holds 200 items as 200 holds would, quota then provision, in a constant number of statements', async () => {
    const now = at('2025-03-10T12:00:00Z');
    const a = await wallet(152, 700n, { now });
    const b = await wallet(152, 700n, { now });
    const items = (w: string) =>
      Array.from({ length: 200 }, (_, i) => ({ accountId: w, reference: ref(), parts: 1 + (i % 3), pricePerPartMinor: BigInt(2 + (i % 5)) }));

    const counting = countingDb();
    let started = performance.now();
    const many = await counting.db.transaction().execute((tx) => ledger.holdMany(tx, items(a), { now }));
    const manyMs = performance.now() - started;
    const statements = counting.count();

    started = performance.now();
    const one: ledger.HoldResult[] = await db().transaction().execute(async (tx) => {
      const out: ledger.HoldResult[] = [];
      for (const item of items(b)) {
        try {
          out.push({ ok: true, hold: await ledger.hold(tx, { ...item, now }) });
        } catch (error) {
          out.push({ ok: false, error: error as AppError });
        }
      }
      return out;
    });
    const oneMs = performance.now() - started;
    console.log(`holdMany: 200 items in ${manyMs.toFixed(1)} ms (${statements} statements with begin and commit); 200 hold calls in one transaction: ${oneMs.toFixed(1)} ms`);

    expect(many.map(shape)).toEqual(one.map(shape));
    // The run spans the quota, both buckets, provision alone, and then refusals (with small items still fitting).
    const kinds = many.map((r) => (!r.ok ? 'refused' : r.hold.provisionParts === 0 ? 'quota' : r.hold.quotaParts === 0 ? 'provision' : 'both'));
    expect(new Set(kinds)).toEqual(new Set(['quota', 'both', 'provision', 'refused']));
    expect(kinds.lastIndexOf('quota')).toBeLessThan(kinds.indexOf('provision'));
    expect(kinds.indexOf('refused')).toBeLessThan(kinds.lastIndexOf('provision'));
    expect(await buckets(a)).toEqual(await buckets(b));
    expect(statements).toBeLessThanOrEqual(10);
    const holdIds = many.filter((r) => r.ok).map((r) => ok(r).holdId);
    expect(new Set(holdIds).size).toBe(holdIds.length);
    expect(holdIds.every((id) => /^\d+$/.test(id))).toBe(true);
    const counters = await db().selectFrom('ledger_holds').select(['hold_id', 'quota_parts_held', 'provision_parts_held']).where('wallet_account_id', '=', a).execute();
    expect(counters).toHaveLength(holdIds.length);
  });

  it('reports an item beyond the credit and still holds smaller later ones', async () => {
    const id = await wallet(0, 100n);
    const refs = Array.from({ length: 5 }, () => ref());
    const results = await db().transaction().execute((tx) =>
      ledger.holdMany(tx, [5, 6, 3, 2, 1].map((parts, i) => ({ accountId: id, reference: refs[i]!, parts, pricePerPartMinor: 10n }))),
    );
    expect(results.map((r) => r.ok)).toEqual([true, false, true, true, false]);
    const error = failed(results[1]);
    expect(error.code).toBe('insufficient_credit');
    expect(error.message).toBe('Not enough credit for 6 SMS part(s): 0 part(s) of monthly quota left and 50 of provision, 60 needed for 6 part(s) at 10 each');
    expect(failed(results[4]).message).toContain('0 of provision, 10 needed');
    expect(results.filter((r) => r.ok).map((r) => ok(r).provisionMinor)).toEqual([50n, 30n, 20n]);
    expect(await buckets(id)).toMatchObject({ provision: 0, held_provision: 100 });
    const written = await db().selectFrom('ledger_transactions').select('reference').where('kind', '=', 'hold').where('wallet_account_id', '=', id).orderBy('id').execute();
    expect(written.map((r) => r.reference)).toEqual([refs[0], refs[2], refs[3]]);
  });

  it('reports invalid items and unknown accounts without throwing', async () => {
    const id = await wallet(0, 100n);
    const results = await ledger.holdMany(db(), [
      { accountId: id, reference: ref(), parts: 0, pricePerPartMinor: 1n },
      { accountId: id, reference: '', parts: 1, pricePerPartMinor: 1n },
      { accountId: 'acct_nope', reference: ref(), parts: 1, pricePerPartMinor: 1n },
      { accountId: id, reference: ref(), parts: 1, pricePerPartMinor: -1n },
      { accountId: id, reference: ref(), parts: 1, pricePerPartMinor: 1n, now: at('2020-01-01T00:00:00Z') },
      { accountId: id, reference: ref(), parts: 2, pricePerPartMinor: 5n },
    ]);
    expect(results.slice(0, 5).map((r) => [failed(r).code, failed(r).field])).toEqual([
      ['invalid_request', 'items[0].parts'],
      ['invalid_request', 'items[1].reference'],
      ['not_found', undefined],
      ['invalid_request', 'items[3].price'],
      ['invalid_request', 'items[4].now'],
    ]);
    expect(ok(results[5])).toMatchObject({ provisionMinor: 10n, created: true });
    await expect(ledger.hold(db(), { accountId: id, reference: ref(), parts: 0, pricePerPartMinor: 1n })).rejects.toMatchObject({ code: 'invalid_request', field: 'parts' });
    expect(await ledger.holdMany(db(), [])).toEqual([]);
  });

  it('returns earlier holds for repeated and pre-existing references, charged once', async () => {
    const id = await wallet(2, 100n);
    const [before, repeated, retried] = [ref(), ref(), ref()];
    const first = await ledger.hold(db(), { accountId: id, reference: before, parts: 1, pricePerPartMinor: 10n });
    const results = await ledger.holdMany(db(), [
      { accountId: id, reference: before, parts: 5, pricePerPartMinor: 99n },
      { accountId: id, reference: repeated, parts: 3, pricePerPartMinor: 10n },
      { accountId: id, reference: repeated, parts: 1, pricePerPartMinor: 1n },
      { accountId: id, reference: retried, parts: 20, pricePerPartMinor: 10n },
      { accountId: id, reference: retried, parts: 2, pricePerPartMinor: 10n },
      { accountId: id, reference: retried, parts: 2, pricePerPartMinor: 10n },
    ]);
    expect(ok(results[0])).toEqual({ ...first, created: false });
    const held = ok(results[1]);
    expect(held).toMatchObject({ created: true, quotaParts: 1, provisionParts: 2, provisionMinor: 20n });
    expect(ok(results[2])).toEqual({ ...held, created: false });
    expect(held.holdId).toMatch(/^\d+$/);
    // A refused item leaves its reference free: the next item with it is held afresh, the one after replays it.
    expect(failed(results[3]).code).toBe('insufficient_credit');
    const retry = ok(results[4]);
    expect(retry).toMatchObject({ created: true, provisionMinor: 20n });
    expect(ok(results[5])).toEqual({ ...retry, created: false });
    expect(await buckets(id)).toMatchObject({ quota: 0, held_quota: 2, provision: 60, held_provision: 40 });
    // Once committed, a later call returns them too.
    const again = await ledger.holdMany(db(), [{ accountId: id, reference: repeated, parts: 3, pricePerPartMinor: 10n }]);
    expect(ok(again[0])).toEqual({ ...held, created: false });
  });

  it("refuses a reference held by another account, in the ledger or earlier in the call", async () => {
    const x = await wallet(0, 100n);
    const y = await wallet(0, 100n);
    const child = await insertAccount(db(), { parentId: y });
    const taken = ref();
    await ledger.hold(db(), { accountId: x, reference: taken, parts: 1, pricePerPartMinor: 10n });
    const shared = ref();
    const results = await ledger.holdMany(db(), [
      { accountId: y, reference: taken, parts: 1, pricePerPartMinor: 10n },
      { accountId: y, reference: shared, parts: 1, pricePerPartMinor: 10n },
      { accountId: child, reference: shared, parts: 1, pricePerPartMinor: 10n },
      { accountId: x, reference: shared, parts: 1, pricePerPartMinor: 10n },
      { accountId: child, reference: ref(), parts: 1, pricePerPartMinor: 10n },
    ]);
    for (const i of [0, 2, 3]) expect(failed(results[i])).toMatchObject({ code: 'conflict', message: expect.stringContaining('is held by another account') });
    expect(failed(results[0]).message).toBe(`Reference ${taken} is held by another account`);
    expect(ok(results[1])).toMatchObject({ accountId: y, created: true });
    expect(ok(results[4])).toMatchObject({ accountId: child, walletAccountId: y, created: true });
    expect(await buckets(x)).toMatchObject({ provision: 90, held_provision: 10 });
    expect(await buckets(y)).toMatchObject({ provision: 80, held_provision: 20 });
  });
});

describe('holdMany with subaccounts and several wallets', () => {
  it('counts each item against the spending limits up the chain, for the items after it too', async () => {
    const parent = await wallet(0, 10_000n);
    const child = await insertAccount(db(), { parentId: parent, spendingLimitMinor: 100n });
    const grandchild = await insertAccount(db(), { parentId: child });
    const limited = await insertAccount(db(), { parentId: child, spendingLimitMinor: 40n });
    const items: [string, number, bigint][] = [
      [child, 3, 10n], // child 30
      [grandchild, 4, 10n], // child 70, grandchild 40
      [limited, 2, 10n], // child 90, limited 20
      [limited, 3, 10n], // limited 50 > 40: its own limit
      [grandchild, 2, 10n], // child 110 > 100: a parent's limit
      [limited, 1, 10n], // limited 30, child 100
      [child, 1, 10n], // child 110 > 100: its own limit
      [grandchild, 1, 0n], // free
    ];
    const results = await ledger.holdMany(db(), items.map(([accountId, parts, pricePerPartMinor]) => ({ accountId, reference: ref(), parts, pricePerPartMinor })));
    expect(results.map((r) => r.ok)).toEqual([true, true, true, false, false, true, false, true]);
    expect(failed(results[3])).toMatchObject({
      code: 'spending_limit_reached',
      message: "This account's spending limit is reached: 20 of 40 spent this month, 20 left, 30 needed",
      context: { accountId: limited },
    });
    expect(failed(results[4])).toMatchObject({
      message: "A parent account's spending limit is reached: 90 of 100 spent this month, 10 left, 20 needed",
      context: { accountId: child, spenderAccountId: grandchild },
    });
    expect(failed(results[4]).message).not.toContain(child);
    expect(failed(results[6]).message).toBe("This account's spending limit is reached: 100 of 100 spent this month, 0 left, 10 needed");
    const spending = await sql<{ account_id: string; spent_minor: string }>`
      select account_id, spent_minor from ledger_spending where account_id in (${child}, ${grandchild}, ${limited}) order by spent_minor`.execute(db());
    expect(Object.fromEntries(spending.rows.map((r) => [r.account_id, r.spent_minor]))).toEqual({ [child]: '100', [grandchild]: '40', [limited]: '30' });
    expect((await ledger.getBalances(db(), grandchild)).spending).toMatchObject({ limitMinor: null, spentMinor: 40n });
    // What holdMany charged, a later hold sees.
    await expect(ledger.hold(db(), { accountId: limited, reference: ref(), parts: 1, pricePerPartMinor: 1n })).rejects.toMatchObject({ code: 'spending_limit_reached' });
  });

  it('holds items of three wallets in one call, creating a wallet on first use', async () => {
    const a = await wallet(5, 100n);
    const b = await wallet(0, 30n);
    const c = await insertAccount(db(), { timezone: 'Asia/Tokyo' });
    const aChild = await insertAccount(db(), { parentId: a });
    const items: [string, number, bigint][] = [
      [b, 2, 10n],
      [c, 1, 5n],
      [aChild, 4, 10n],
      [a, 3, 10n],
      [c, 2, 0n],
      [b, 2, 10n],
      [b, 1, 10n],
    ];
    const results = await ledger.holdMany(db(), items.map(([accountId, parts, pricePerPartMinor]) => ({ accountId, reference: ref(), parts, pricePerPartMinor })));
    expect(results.map((r) => (r.ok ? [r.hold.walletAccountId, r.hold.quotaParts, r.hold.provisionMinor] : r.error.code))).toEqual([
      [b, 0, 20n],
      'insufficient_credit',
      [a, 4, 0n],
      [a, 1, 20n],
      [c, 0, 0n],
      'insufficient_credit',
      [b, 0, 10n],
    ]);
    expect(await buckets(a)).toMatchObject({ quota: 0, held_quota: 5, provision: 80, held_provision: 20 });
    expect(await buckets(b)).toMatchObject({ provision: 0, held_provision: 30 });
    expect(await buckets(c)).toMatchObject({ provision: 0, held_provision: 0, held_quota: 0 });
    expect(ok(results[4]).provisionParts).toBe(2);
    const settled = await ledger.settleMany(db(), results.filter((r) => r.ok).map((r) => ({ holdReference: ok(r).reference, reference: ok(r).reference, parts: 1 })));
    expect(settled.every((s) => s.status === 'settled')).toBe(true);
  });

  it('rolls the quota period lazily in the owner time zone, spending months in the spender one', async () => {
    const id = await wallet(10, 70n, { timezone: 'America/Los_Angeles', now: at('2025-01-10T00:00:00Z') });
    const child = await insertAccount(db(), { parentId: id, timezone: 'Pacific/Auckland' });
    // 23:30 on 31 January in Los Angeles: still January there, already February in Auckland.
    const late = await ledger.holdMany(db(), [
      { accountId: id, reference: ref(), parts: 3, pricePerPartMinor: 10n },
      { accountId: child, reference: ref(), parts: 2, pricePerPartMinor: 10n },
    ], { now: at('2025-02-01T07:30:00Z') });
    expect(late.map((r) => ok(r).quotaParts)).toEqual([3, 2]);
    // 00:30 on 1 February in Los Angeles: the five parts left expire at 08:00Z, ten are granted.
    const now = at('2025-02-01T08:30:00Z');
    const results = await ledger.holdMany(db(), [
      { accountId: child, reference: ref(), parts: 8, pricePerPartMinor: 10n, now },
      { accountId: id, reference: ref(), parts: 4, pricePerPartMinor: 10n },
    ], { now });
    expect(results.map((r) => [ok(r).quotaParts, ok(r).provisionMinor])).toEqual([[8, 0n], [2, 20n]]);
    const rows = await db().selectFrom('ledger_transactions').select(['kind', 'quota_parts', 'at', 'period_start'])
      .where('wallet_account_id', '=', id).where('kind', 'in', ['grant', 'expire', 'hold']).orderBy('id').execute();
    expect(rows.map((r) => [r.kind, r.quota_parts, r.at.toISOString(), r.period_start?.toISOString()])).toEqual([
      ['grant', 10, '2025-01-01T08:00:00.000Z', '2025-01-01T08:00:00.000Z'],
      ['hold', 3, '2025-02-01T07:30:00.000Z', '2025-01-01T08:00:00.000Z'],
      ['hold', 2, '2025-02-01T07:30:00.000Z', '2025-01-01T08:00:00.000Z'],
      ['expire', 5, '2025-02-01T08:00:00.000Z', '2025-01-01T08:00:00.000Z'],
      ['grant', 10, '2025-02-01T08:00:00.000Z', '2025-02-01T08:00:00.000Z'],
      ['hold', 8, '2025-02-01T08:30:00.000Z', '2025-02-01T08:00:00.000Z'],
      ['hold', 2, '2025-02-01T08:30:00.000Z', '2025-02-01T08:00:00.000Z'],
    ]);
    const b = await ledger.getBalances(db(), id, { now });
    expect(b.quota).toMatchObject({ remaining: 0, held: 15, periodStart: at('2025-02-01T08:00:00Z'), periodEnd: at('2025-03-01T08:00:00Z') });
    expect(b.provision).toEqual({ availableMinor: 50n, heldMinor: 20n });
    const months = await sql<{ month: string; spent_minor: string }>`
      select month::text as month, spent_minor from ledger_spending where account_id = ${child} order by month`.execute(db());
    expect(months.rows).toEqual([{ month: '2025-02-01', spent_minor: '100' }]);
    // Nothing more to roll: the job agrees.
    expect(await ledger.rollQuotaPeriods(db(), now)).toEqual({ walletsRolled: 0 });
  });
});

describe('holdMany concurrency', () => {
  it('8 connections × 50 one-part items on 100 parts of quota: exactly 100 held, no deadlock', async () => {
    const now = at('2025-02-10T00:00:00Z');
    const id = await wallet(100, 0n, { now: at('2025-01-10T00:00:00Z') });
    const wide = openDatabase(database().url, { poolSize: 8 });
    try {
      const calls = await Promise.all(
        Array.from({ length: 8 }, (_, c) =>
          ledger.holdMany(wide.db, Array.from({ length: 50 }, (_, i) => ({ accountId: id, reference: `${id}_${c}_${i}`, parts: 1, pricePerPartMinor: 10n })), { now }),
        ),
      );
      const all = calls.flat();
      expect(all.filter((r) => r.ok)).toHaveLength(100);
      expect(all.filter((r) => !r.ok).map((r) => failed(r).code)).toEqual(Array(300).fill('insufficient_credit'));
    } finally {
      await wide.close();
    }
    expect(await buckets(id)).toMatchObject({ quota: 0, held_quota: 100, quota_expired: 100 });
  });

  it('8 connections over three wallets in different orders: every wallet locked in one order, no deadlock', async () => {
    const wallets = [await wallet(30, 0n), await wallet(30, 0n), await wallet(30, 0n)];
    const wide = openDatabase(database().url, { poolSize: 8 });
    try {
      const calls = await Promise.all(
        Array.from({ length: 8 }, (_, c) => {
          const order = c % 2 ? [...wallets].reverse() : [wallets[1]!, wallets[2]!, wallets[0]!];
          const items = Array.from({ length: 30 }, (_, i) => ({ accountId: order[i % 3]!, reference: `${wallets[0]}_${c}_${i}`, parts: 1, pricePerPartMinor: 1n }));
          return ledger.holdMany(wide.db, items);
        }),
      );
      expect(calls.flat().filter((r) => r.ok)).toHaveLength(90);
    } finally {
      await wide.close();
    }
    for (const w of wallets) expect(await buckets(w)).toMatchObject({ quota: 0, held_quota: 30 });
  });
});
