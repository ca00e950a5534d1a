import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import * as creditAlerts from '../../src/modules/credit-alerts/index.js';
import * as ledger from '../../src/modules/ledger/index.js';
import * as pricing from '../../src/modules/pricing/index.js';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { createOwner, createSubaccountOwner, type TestUser } from '../helpers/factories.js';
import { expectLedgerConsistent } from '../helpers/ledger.js';
import { fund } from '../helpers/sms-world.js';

let t: TestApp;
let owner: TestUser;
let n = 0;

beforeAll(async () => {
  t = await createTestApp();
  owner = await createOwner(t.app, t.db, 'Alerted');
  await pricing.setSmsPrice(t.db, '*', 1000n);
  await fund(t, owner.accountId, 3000n);
  // A receiver of credit.low, so that its events are stored.
  await sql`insert into webhook_endpoints (id, account_id, url, events, secrets)
    values ('whe_alert', ${owner.accountId}, 'https://hooks.example.org/', '{credit.low}', '[]')`.execute(t.db);
});
afterAll(async () => {
  await expectLedgerConsistent(t.db);
  await t.close();
});

/** Spends `count` SMS of 1000 each (held at accept, which is what lowers the available credit). */
async function spend(count: number) {
  const to = Array.from({ length: count }, () => `+3247540${String(++n).padStart(4, '0')}`);
  const res = await t.app.inject({ method: 'POST', url: '/v1/messages', ...owner.caller, payload: { to, text: 'x' } });
  expect(res.statusCode, res.body).toBe(202);
}
async function sent() {
  const emails = await sql<{ n: number }>`select count(*)::int as n from email_outbox where subject = 'Your Herald credit is running low'`.execute(t.db);
  const events = await sql<{ n: number }>`select count(*)::int as n from webhook_events where type = 'credit.low' and account_id = ${owner.accountId}`.execute(t.db);
  return { emails: emails.rows[0]!.n, events: events.rows[0]!.n };
}

describe('low-credit alert', () => {
  it('sends one email and one credit.low event per crossing of the threshold', async () => {
    const set = await t.app.inject({ method: 'PUT', url: '/v1/credit/alert', ...owner.caller, payload: { threshold: 1500 } });
    expect(json(set)).toEqual({ threshold: 1500, below: false, last_alert_at: null, currency: 'EUR' });
    expect(await creditAlerts.checkCreditAlerts(t.db)).toBe(0);
    await spend(1); // 2000 left
    expect(await creditAlerts.checkCreditAlerts(t.db)).toBe(0);
    await spend(1); // 1000 left: crossed
    expect(await creditAlerts.checkCreditAlerts(t.db)).toBe(1);
    expect(await creditAlerts.checkCreditAlerts(t.db)).toBe(0);
    await spend(1); // 0 left: still the same crossing
    expect(await creditAlerts.checkCreditAlerts(t.db)).toBe(0);
    // Saving the same threshold again is no new crossing.
    await t.app.inject({ method: 'PUT', url: '/v1/credit/alert', ...owner.caller, payload: { threshold: 1500 } });
    expect(await creditAlerts.checkCreditAlerts(t.db)).toBe(0);
    expect(await sent()).toEqual({ emails: 1, events: 1 });
    const event = await sql<{ payload: { data: unknown } }>`select payload from webhook_events where type = 'credit.low'`.execute(t.db);
    expect(event.rows[0]!.payload.data).toEqual({ account_id: owner.accountId, available: 1000, threshold: 1500, currency: 'EUR' });

    await ledger.topUp(t.db, { walletAccountId: owner.accountId, amountMinor: 5000n, note: 'test', createdBy: null } as ledger.TopUpInput);
    expect(await creditAlerts.checkCreditAlerts(t.db)).toBe(0);
    expect(json(await t.app.inject({ method: 'GET', url: '/v1/credit/alert', ...owner.caller }))).toMatchObject({ threshold: 1500, below: false });
    await spend(4); // 1000 left: a second crossing
    expect(await creditAlerts.checkCreditAlerts(t.db)).toBe(1);
    expect(await sent()).toEqual({ emails: 2, events: 2 });
  });

  it('is set on the account that owns the credit, and can be removed', async () => {
    const child = await createSubaccountOwner(t.app, owner);
    const res = await t.app.inject({ method: 'PUT', url: '/v1/credit/alert', ...child.caller, payload: { threshold: 100 } });
    expect(res.statusCode).toBe(400);
    expect(json(res).error).toMatchObject({ field: 'threshold', message: expect.stringMatching(/parent account/) });
    const bad = await t.app.inject({ method: 'PUT', url: '/v1/credit/alert', ...owner.caller, payload: { threshold: -1 } });
    expect(json(bad).error.field).toBe('threshold');
    expect(json(await t.app.inject({ method: 'PUT', url: '/v1/credit/alert', ...owner.caller, payload: { threshold: null } }))).toEqual({ threshold: null, below: false, last_alert_at: null, currency: 'EUR' });
  });
});
