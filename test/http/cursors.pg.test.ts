import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { createOwner, type TestUser } from '../helpers/factories.js';
import { setupOperator } from '../helpers/operator.js';

// One cursor rule for every list: what the API did not give is a 400 naming `cursor`, never an empty page.
describe('list cursors', () => {
  let t: TestApp;
  let owner: TestUser;
  let operator: TestUser;
  let listId: string;

  beforeAll(async () => {
    t = await createTestApp();
    owner = await createOwner(t.app, t.db);
    operator = await setupOperator(t);
    const list = await t.app.inject({ method: 'POST', url: '/v1/lists', ...owner.caller, payload: { name: 'Cursor list' } });
    expect(list.statusCode).toBe(201);
    listId = json(list).id;
  });
  afterAll(async () => t?.close());

  const lists = () => [
    '/v1/messages', '/v1/contacts', '/v1/lists', `/v1/lists/${listId}/members`, '/v1/suppressions',
    '/v1/contact-imports', '/v1/inbox', '/v1/webhook-events',
  ];

  it.each(['zzz', 'msg', '1 or 1=1', 'eyJ4IjoxfQ'])('refuses cursor=%s on every list with 400 naming cursor', async (junk) => {
    for (const url of [...lists().map((u) => ({ url: u, who: owner })), { url: '/v1/admin/outbox', who: operator }]) {
      const res = await t.app.inject({ method: 'GET', url: `${url.url}?cursor=${encodeURIComponent(junk)}`, ...url.who.caller });
      expect({ url: url.url, status: res.statusCode }).toEqual({ url: url.url, status: 400 });
      expect(json(res).error.field).toBe('cursor');
    }
  });

  it('still follows the cursors it gave', async () => {
    for (const number of ['+31612345601', '+31612345602']) {
      expect((await t.app.inject({ method: 'POST', url: '/v1/suppressions', ...owner.caller, payload: { number } })).statusCode).toBe(201);
    }
    const first = json(await t.app.inject({ method: 'GET', url: '/v1/suppressions?limit=1', ...owner.caller }));
    expect(first.next_cursor).toBe('+31612345601');
    const second = await t.app.inject({ method: 'GET', url: `/v1/suppressions?limit=1&cursor=${encodeURIComponent(first.next_cursor)}`, ...owner.caller });
    expect(second.statusCode).toBe(200);
    expect(json(second).data.map((s: { number: string }) => s.number)).toEqual(['+31612345602']);
  });
});
