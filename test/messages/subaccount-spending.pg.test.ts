import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { activate, createOwner, uniqueEmail } from '../helpers/factories.js';
import { expectLedgerConsistent } from '../helpers/ledger.js';
import { fund } from '../helpers/sms-world.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());
afterEach(() => expectLedgerConsistent(t.db));

describe('a subaccount', () => {
  it('spends from its parent\'s credit up to the limit its parent set, which the parent sees', async () => {
    const parent = await createOwner(t.app, t.db, 'Reseller');
    await fund(t, parent.accountId, 10_000n);
    const created = json(await t.app.inject({ method: 'POST', url: '/v1/subaccounts', ...parent.caller, payload: { name: 'Client', spending_limit: 30, owner: { email: uniqueEmail('client') } } }));
    const child = await activate(t.app, created.invitation_link);
    const send = (to: string[]) => t.app.inject({ method: 'POST', url: '/v1/messages', ...child.caller, payload: { to, text: 'From the child' } });

    expect((await send(['+32475800001', '+32475800002'])).statusCode).toBe(202);
    const over = await send(['+32475800003', '+32475800004']);
    expect(over.statusCode).toBe(402);
    expect(json(over).error.code).toBe('spending_limit_reached');
    expect((await send(['+32475800003'])).statusCode).toBe(202);

    const seen = json(await t.app.inject({ method: 'GET', url: `/v1/subaccounts/${child.accountId}`, ...parent.caller }));
    expect(seen.usage.spent_this_month).toBe(30);
    const own = json(await t.app.inject({ method: 'GET', url: '/v1/credit', ...child.caller }));
    expect(own).toMatchObject({ quota: null, provision: null, spending: { limit: 30, spent: 30 } });
    const parentCredit = json(await t.app.inject({ method: 'GET', url: '/v1/credit', ...parent.caller }));
    expect(parentCredit.provision).toMatchObject({ available: 10_000 - 30, held: 30 });
  });
});
