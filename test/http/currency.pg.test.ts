import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as pricing from '../../src/modules/pricing/index.js';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { createOwner, type TestUser } from '../helpers/factories.js';
import { setupOperator } from '../helpers/operator.js';

// One currency per installation (HERALD_CURRENCY): every answer with an amount
// in it says which, so no client has to guess (issue 14 item 5).
describe('currency in every answer with money', () => {
  let t: TestApp;
  let owner: TestUser;
  let operator: TestUser;
  const call = async (user: TestUser, method: 'GET' | 'POST' | 'PUT', url: string, payload?: object) => {
    const res = await t.app.inject({ method, url, ...user.caller, ...(payload && { payload }) });
    expect(res.statusCode, `${method} ${url}: ${res.body}`).toBeLessThan(300);
    return json(res);
  };

  beforeAll(async () => {
    t = await createTestApp({ currency: 'GBP' });
    owner = await createOwner(t.app, t.db, 'Pounds');
    operator = await setupOperator(t);
    await pricing.setSmsPrice(t.db, '*', 7n);
  });
  afterAll(async () => t?.close());

  it('carries the installation currency with balances, top-ups, prices, previews, sends, messages, accounts and alerts', async () => {
    const topUp = await call(operator, 'POST', `/v1/admin/accounts/${owner.accountId}/top-up`, { amount: 1000 });
    expect(topUp).toMatchObject({ amount: 1000, currency: 'GBP' });
    expect(await call(owner, 'GET', '/v1/credit')).toMatchObject({ provision: { available: 1000 }, currency: 'GBP' });
    const now = new Date();
    expect(await call(owner, 'GET', `/v1/credit/usage?from=${new Date(now.getTime() - 86_400_000).toISOString()}&to=${now.toISOString()}`)).toMatchObject({ currency: 'GBP' });
    expect(await call(operator, 'GET', '/v1/admin/prices')).toMatchObject({ default: 7, currency: 'GBP' });
    expect(await call(owner, 'POST', '/v1/messages/preview', { text: 'hi', to: ['+32475000001'] })).toMatchObject({ price_per_part: 7, currency: 'GBP' });
    const sent = await t.app.inject({ method: 'POST', url: '/v1/messages', ...owner.caller, payload: { to: ['+32475000001'], text: 'hi' } });
    expect(sent.statusCode, sent.body).toBe(202);
    expect(json(sent)).toMatchObject({ cost: { provision: 7 }, currency: 'GBP' });
    const id = json(sent).accepted[0].id;
    expect(await call(owner, 'GET', `/v1/messages/${id}`)).toMatchObject({ price_per_part: 7, currency: 'GBP' });
    expect((await call(owner, 'GET', '/v1/messages')).data[0]).toMatchObject({ price_per_part: 7, currency: 'GBP' });
    expect(await call(owner, 'GET', '/v1/account')).toMatchObject({ currency: 'GBP' });
    expect((await call(owner, 'GET', '/v1/auth/session')).account).toMatchObject({ currency: 'GBP' });
    expect(await call(owner, 'PUT', '/v1/credit/alert', { threshold: 100 })).toMatchObject({ threshold: 100, currency: 'GBP' });
  });

  it('names the currency in the OpenAPI schemas of those answers', async () => {
    const spec = json(await t.app.inject({ method: 'GET', url: '/openapi.json' }));
    const ok = (path: string, method: string, status = '200') => spec.paths[path][method].responses[status].content['application/json'].schema;
    for (const [path, method, status] of [
      ['/v1/credit', 'get', '200'], ['/v1/credit/usage', 'get', '200'], ['/v1/admin/prices', 'get', '200'], ['/v1/messages/preview', 'post', '200'],
      ['/v1/messages', 'post', '202'], ['/v1/admin/accounts/{id}/top-up', 'post', '201'], ['/v1/account', 'get', '200'], ['/v1/credit/alert', 'get', '200'],
    ] as const) {
      expect(JSON.stringify(ok(path, method, status)), `${method} ${path}`).toContain('"currency"');
    }
  });
});
