import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as ledger from '../../src/modules/ledger/index.js';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { createOwner, type TestUser } from '../helpers/factories.js';
import { setupOperator } from '../helpers/operator.js';

// A POST that moves credit takes an Idempotency-Key: a retried top-up credits once and answers the same.
describe('operator top-up with an Idempotency-Key', () => {
  let t: TestApp;
  let owner: TestUser;
  let operator: TestUser;
  const provision = async () => (await ledger.getBalances(t.db, owner.accountId)).provision.availableMinor;
  const topUp = (key: string | null, payload: object, account = owner.accountId) =>
    t.app.inject({
      method: 'POST', url: `/v1/admin/accounts/${account}/top-up`, payload,
      headers: { ...operator.caller.headers, ...(key && { 'idempotency-key': key }) },
    });

  beforeAll(async () => {
    t = await createTestApp();
    owner = await createOwner(t.app, t.db);
    operator = await setupOperator(t);
  });
  afterAll(async () => t?.close());

  it('credits once for a retried request and answers the same transaction', async () => {
    const before = await provision();
    const first = await topUp('topup-1', { amount: 500, note: 'invoice 17' });
    expect(first.statusCode).toBe(201);
    const retried = await topUp('topup-1', { amount: 500, note: 'invoice 17' });
    expect(retried.statusCode).toBe(201);
    expect(json(retried)).toEqual(json(first));
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(await provision()).toBe(before + 500n);
  });

  it('credits once when the retries arrive together', async () => {
    const before = await provision();
    const answers = await Promise.all(Array.from({ length: 5 }, () => topUp('topup-together', { amount: 70 })));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(5).fill(201));
    expect(new Set(answers.map((a) => json(a).transaction_id)).size).toBe(1);
    expect(await provision()).toBe(before + 70n);
  });

  it('refuses the same key with a different top-up with 422 naming the header', async () => {
    expect((await topUp('topup-2', { amount: 100 })).statusCode).toBe(201);
    const before = await provision();
    const other = await topUp('topup-2', { amount: 900 });
    expect(other.statusCode).toBe(422);
    expect(json(other).error).toMatchObject({ code: 'idempotency_mismatch', field: 'idempotency-key' });
    expect(await provision()).toBe(before);
  });

  it('still credits each request made without a key', async () => {
    const before = await provision();
    expect((await topUp(null, { amount: 3 })).statusCode).toBe(201);
    expect((await topUp(null, { amount: 3 })).statusCode).toBe(201);
    expect(await provision()).toBe(before + 6n);
  });
});
