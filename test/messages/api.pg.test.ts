import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as ledger from '../../src/modules/ledger/index.js';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { createKey, createOwner, type TestUser } from '../helpers/factories.js';
import { expectLedgerConsistent } from '../helpers/ledger.js';
import { fund } from '../helpers/sms-world.js';

let t: TestApp;
let owner: TestUser;
let headers: Record<string, string>;

beforeAll(async () => {
  t = await createTestApp();
  owner = await createOwner(t.app, t.db, 'Api Co');
  headers = (await createKey(t.app, owner, ['messages:read', 'messages:write', 'credit:read'])).caller.headers;
  await fund(t, owner.accountId, 100_000n);
});
afterAll(() => t.close());
afterEach(() => expectLedgerConsistent(t.db));

const send = (payload: object, extra: Record<string, string> = {}) => t.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...headers, ...extra }, payload });
const provision = async () => (await ledger.getBalances(t.db, owner.accountId)).provision;

describe('Idempotency-Key', () => {
  it('gives the same answer for the same key and body, without charging again', async () => {
    const body = { to: ['+32475400001'], text: 'Once' };
    const first = await send(body, { 'idempotency-key': 'k-1' });
    const spent = await provision();
    const again = await send(body, { 'idempotency-key': 'k-1' });
    expect(again.statusCode).toBe(202);
    expect(json(again)).toEqual(json(first));
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(await provision()).toEqual(spent);
  });

  it('refuses the same key with another body (422) and while the first is in flight (409)', async () => {
    await send({ to: ['+32475400002'], text: 'A' }, { 'idempotency-key': 'k-2' });
    const other = await send({ to: ['+32475400002'], text: 'B' }, { 'idempotency-key': 'k-2' });
    expect(other.statusCode).toBe(422);
    expect(json(other).error).toMatchObject({ code: 'idempotency_mismatch', field: 'idempotency-key' });

    const big = { to: Array.from({ length: 3000 }, (_, i) => `+3247${String(6000000 + i)}`), text: 'Many' };
    const [a, b] = await Promise.all([send(big, { 'idempotency-key': 'k-3' }), send(big, { 'idempotency-key': 'k-3' })]);
    const codes = [a.statusCode, b.statusCode].sort();
    // Either the second arrived while the first held the key (409), or after it (the same 202).
    expect([[202, 409], [202, 202]]).toContainEqual(codes);
    if (codes[1] === 202) expect(json(a)).toEqual(json(b));
    const batches = await t.db.selectFrom('messages' as never).select('batch_id' as never).where('client_reference' as never, 'is', null as never).where('body' as never, '=', 'Many' as never).groupBy('batch_id' as never).execute();
    expect(batches).toHaveLength(1);
  });
});

describe('scheduling and cancelling', () => {
  it('keeps a scheduled message until its time, and refunds it when cancelled', async () => {
    const before = await provision();
    const at = new Date(Date.now() + 3 * 86_400_000).toISOString();
    const res = await send({ to: ['+32475400010'], text: 'Later', send_at: at });
    const { accepted } = json(res);
    expect(accepted[0].status).toBe('scheduled');
    expect((await provision()).heldMinor - before.heldMinor).toBe(10n);
    const shown = json(await t.app.inject({ method: 'GET', url: `/v1/messages/${accepted[0].id}`, headers }));
    expect(shown).toMatchObject({ status: 'scheduled', send_at: at });

    const cancelled = await t.app.inject({ method: 'DELETE', url: `/v1/messages/${accepted[0].id}`, headers });
    expect(cancelled.statusCode).toBe(200);
    expect(json(cancelled).status).toBe('cancelled');
    expect(json(cancelled).history.map((h: { status: string }) => h.status)).toEqual(['scheduled', 'cancelled']);
    expect(await provision()).toEqual(before);
    const twice = await t.app.inject({ method: 'DELETE', url: `/v1/messages/${accepted[0].id}`, headers });
    expect(twice.statusCode).toBe(409);
  });
});

describe('bad input charges nothing and queues nothing', () => {
  it.each([
    ['empty text', { to: ['+32475400020'], text: '' }, 'text'],
    ['blank text', { to: ['+32475400020'], text: '   ' }, 'text'],
    ['a NUL character', { to: ['+32475400020'], text: 'a\u0000b' }, 'text'],
    ['a lone surrogate', { to: ['+32475400020'], text: 'a\ud800b' }, 'text'],
    ['text over the part cap', { to: ['+32475400020'], text: 'x'.repeat(153 * 10 + 1) }, 'text'],
    ['an invalid number', { to: ['+32 4'], text: 'x' }, 'to[0]'],
    ['an over-long number', { to: ['+32475400020123456789012345'], text: 'x' }, 'to[0]'],
    ['send_at in the past', { to: ['+32475400020'], text: 'x', send_at: '2020-01-01T00:00:00Z' }, 'send_at'],
    ['send_at over a year ahead', { to: ['+32475400020'], text: 'x', send_at: new Date(Date.now() + 400 * 86_400_000).toISOString() }, 'send_at'],
    ['a bad sender', { to: ['+32475400020'], text: 'x', sender: 'Far too long name' }, 'sender'],
    ['no recipient', { to: [], text: 'x' }, 'to'],
    ['a number as a number', { to: [32475400020], text: 'x' }, 'to[0]'],
  ])('refuses %s, naming the field', async (_what, payload, field) => {
    const before = await provision();
    const res = await send(payload);
    expect(res.statusCode).toBe(400);
    expect(json(res).error.field).toBe(field);
    expect(await provision()).toEqual(before);
  });

  it.each([
    ['text over the part cap', { to: ['+32475400020'], text: 'x'.repeat(153 * 10 + 1) }, { field: 'text', reason: 'too_many_parts', params: { parts: 11, max: 10 } }],
    ['an invalid number', { to: ['+32 4'], text: 'x' }, { field: 'to[0]', reason: 'too_short' }],
    ['send_at in the past', { to: ['+32475400020'], text: 'x', send_at: '2020-01-01T00:00:00Z' }, { field: 'send_at', reason: 'send_at_past' }],
    ['send_at over a year ahead', { to: ['+32475400020'], text: 'x', send_at: new Date(Date.now() + 400 * 86_400_000).toISOString() }, { field: 'send_at', reason: 'send_at_too_far' }],
    ['a callback to a private address', { to: ['+32475400020'], text: 'x', callback_url: 'http://127.0.0.1/hook' }, { field: 'callback_url', reason: 'url_internal' }],
  ])('refuses %s with a reason the web app translates', async (_what, payload, error) => {
    const res = await send(payload);
    expect(res.statusCode).toBe(400);
    expect(json(res).error).toMatchObject(error);
  });

  it('follows the account\'s part cap and allowed countries', async () => {
    const patch = await t.app.inject({ method: 'PATCH', url: '/v1/account', ...owner.caller, payload: { sms_max_parts: 2, allowed_countries: ['BE', 'nl'] } });
    expect(json(patch)).toMatchObject({ sms_max_parts: 2, allowed_countries: ['BE', 'NL'] });
    try {
      expect(json(await send({ to: ['+32475400030'], text: 'x'.repeat(307) })).error.field).toBe('text');
      const res = json(await send({ to: ['+32475400030', '+447911123456'], text: 'x'.repeat(306) }));
      expect(res.rejected).toEqual([expect.objectContaining({ field: 'to[1]', code: 'country_not_allowed' })]);
      const bad = await t.app.inject({ method: 'PATCH', url: '/v1/account', ...owner.caller, payload: { allowed_countries: ['XX'] } });
      expect(json(bad).error.field).toBe('allowed_countries[0]');
    } finally {
      await t.app.inject({ method: 'PATCH', url: '/v1/account', ...owner.caller, payload: { sms_max_parts: 10, allowed_countries: null } });
    }
  });
});

describe('reading messages and credit', () => {
  it('previews encoding, parts, the characters that force Unicode and the cost', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/messages/preview', headers, payload: { text: 'Prijs: 5€ — merci ✓', to: ['+32475400040', 'x'] } });
    const p = json(res);
    expect(p).toMatchObject({ encoding: 'ucs2', parts: 1, non_gsm_characters: ['—', '✓'], max_parts: 10, problem: null, price_per_part: 10, cost_per_recipient: 10 });
    expect(p.recipients[0]).toMatchObject({ to: '+32475400040', country: 'BE', cost: 10, problem: null, problem_code: null });
    expect(p.recipients[1]).toMatchObject({ problem: expect.stringContaining('not a phone number'), problem_code: 'not_a_number' });
  });

  it('lists with filters and a cursor', async () => {
    await send({ to: ['+32475400050', '+32475400051', '+32475400052'], text: 'Listed', client_reference: 'list-test' });
    const first = json(await t.app.inject({ method: 'GET', url: '/v1/messages?client_reference=list-test&limit=2', headers }));
    expect(first.data).toHaveLength(2);
    const second = json(await t.app.inject({ method: 'GET', url: `/v1/messages?client_reference=list-test&limit=2&cursor=${first.next_cursor}`, headers }));
    expect(second.data).toHaveLength(1);
    expect(second.next_cursor).toBeNull();
    expect(new Set([...first.data, ...second.data].map((m: { to: string }) => m.to)).size).toBe(3);
    const queued = json(await t.app.inject({ method: 'GET', url: '/v1/messages?status=queued&to=%2B32475400051', headers }));
    expect(queued.data.map((m: { to: string }) => m.to)).toEqual(['+32475400051']);
  });

  it('shows balances per bucket and usage over time', async () => {
    await ledger.setPlan(t.db, owner.accountId, { monthlyQuota: 50 });
    const credit = json(await t.app.inject({ method: 'GET', url: '/v1/credit', headers }));
    expect(credit.quota).toMatchObject({ monthly: 50 });
    expect(credit.provision.available).toBeGreaterThan(0);
    const from = new Date(Date.now() - 2 * 86_400_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    const usage = json(await t.app.inject({ method: 'GET', url: `/v1/credit/usage?from=${from}&to=${to}&interval=day`, headers }));
    expect(usage.data.length).toBeGreaterThanOrEqual(3);
    expect(usage.data.reduce((sum: number, p: { provision_used: number }) => sum + p.provision_used, 0)).toBeGreaterThan(0);
  });
});
