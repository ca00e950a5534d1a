import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as webhooks from '../../src/modules/webhooks/index.js';
import { sql } from '../../src/platform/db/index.js';
import { createTestApp, json, requester, type TestApp } from '../helpers/app.js';
import { createKey, createMember, createOwner, type TestUser } from '../helpers/factories.js';
import { startReceiver } from './receiver.js';

const policy = { allowHosts: ['127.0.0.1'] };
let t: TestApp;
let owner: TestUser;
let other: TestUser;

beforeAll(async () => {
  t = await createTestApp({ outboundPolicy: policy } as Parameters<typeof createTestApp>[0]);
  owner = await createOwner(t.app, t.db, 'Hooks Co');
  other = await createOwner(t.app, t.db, 'Other Co');
});
afterAll(() => t.close());

const call = requester(() => t);

describe('webhook endpoints API', () => {
  it('creates, shows, changes and deletes endpoints; the secret is shown when made only', async () => {
    const res = await call(owner.caller, 'POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/a', events: ['message.delivered', 'message.failed', 'message.delivered'], description: 'CRM' });
    expect(res.statusCode, res.body).toBe(201);
    const made = json(res);
    expect(made).toMatchObject({ url: 'http://127.0.0.1:9/a', events: ['message.delivered', 'message.failed'], description: 'CRM', enabled: true, disabled_reason: null });
    expect(made.secret).toMatch(/^whsec_/);

    const shown = json(await call(owner.caller, 'GET', `/v1/webhooks/${made.id}`));
    expect(shown.secret).toBeUndefined();
    expect(json(await call(owner.caller, 'GET', '/v1/webhooks')).data.map((e: { id: string }) => e.id)).toContain(made.id);

    const changed = json(await call(owner.caller, 'PATCH', `/v1/webhooks/${made.id}`, { events: ['inbound.received'], description: null, enabled: false }));
    expect(changed).toMatchObject({ events: ['inbound.received'], description: null, enabled: false, disabled_reason: 'disabled by the account' });

    const bad = json(await call(owner.caller, 'POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/b', events: ['message.delivered', 'message.exploded'] }));
    expect(bad.error).toMatchObject({ code: 'invalid_request', field: 'events[1]' });
    expect(json(await call(owner.caller, 'POST', '/v1/webhooks', { url: 'ftp://127.0.0.1/x', events: ['credit.low'] })).error).toMatchObject({ field: 'url' });
    expect(json(await call(owner.caller, 'POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/b', events: [] })).error).toMatchObject({ field: 'events' });

    expect((await call(owner.caller, 'DELETE', `/v1/webhooks/${made.id}`)).statusCode).toBe(204);
    expect((await call(owner.caller, 'GET', `/v1/webhooks/${made.id}`)).statusCode).toBe(404);
  });

  it('answers 404 to another tenant for every webhook resource, and needs account:write to change or see secrets', async () => {
    const r = await startReceiver();
    try {
      const { id } = json(await call(owner.caller, 'POST', '/v1/webhooks', { url: r.url(), events: ['message.delivered'] }));
      await webhooks.emitEvents(t.db, [{ accountId: owner.accountId, type: 'message.delivered', data: { id: 'msg_a' } }]);
      await webhooks.deliverDueWebhooks(t.db, { policy });
      const eventId = json(await call(owner.caller, 'GET', '/v1/webhook-events')).data[0].id;
      const deliveryId = json(await call(owner.caller, 'GET', `/v1/webhooks/${id}/deliveries`)).data[0].id;
      const routes: ['GET' | 'POST' | 'PATCH' | 'DELETE', string, object?][] = [
        ['GET', `/v1/webhooks/${id}`], ['PATCH', `/v1/webhooks/${id}`, { description: 'x' }], ['DELETE', `/v1/webhooks/${id}`],
        ['POST', `/v1/webhooks/${id}/rotate-secret`], ['GET', `/v1/webhooks/${id}/deliveries`], ['GET', `/v1/webhook-deliveries/${deliveryId}`],
        ['GET', `/v1/webhook-events/${eventId}`], ['POST', `/v1/webhook-events/${eventId}/replay`, {}],
      ];
      for (const [method, url, body] of routes) expect((await call(other.caller, method, url, body)).statusCode, `${method} ${url}`).toBe(404);
      for (const url of ['/v1/webhooks', '/v1/webhook-events']) expect((await call(other.caller, 'GET', url)).body).not.toContain(id);
      expect((await call(other.caller, 'GET', '/v1/webhook-events')).body).not.toContain(eventId);

      const member = await createMember(t.app, owner);
      expect((await call(member.caller, 'GET', `/v1/webhooks/${id}`)).statusCode).toBe(200);
      expect((await call(member.caller, 'POST', `/v1/webhooks/${id}/rotate-secret`)).statusCode).toBe(403);
      expect((await call(member.caller, 'GET', '/v1/webhooks/callback-secret')).statusCode).toBe(403);
      await call(owner.caller, 'DELETE', `/v1/webhooks/${id}`);
    } finally {
      await r.close();
    }
  });

  it('lists deliveries and events newest first, page by page, and filters events by type', async () => {
    const { id } = json(await call(owner.caller, 'POST', '/v1/webhooks', { url: 'http://127.0.0.1:9/pages', events: ['message.submitted', 'credit.low'] }));
    for (let i = 0; i < 5; i++) {
      await webhooks.emitEvents(t.db, [{ accountId: owner.accountId, type: i % 2 ? 'credit.low' : 'message.submitted', data: { n: i } }]);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { data: { id: string }[]; next_cursor: string | null } = json(await call(owner.caller, 'GET', `/v1/webhooks/${id}/deliveries?limit=2${cursor ? `&cursor=${cursor}` : ''}`));
      seen.push(...page.data.map((d: { id: string }) => d.id));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toHaveLength(5);
    expect(seen).toEqual([...seen].sort().reverse());
    const events = json(await call(owner.caller, 'GET', '/v1/webhook-events?type=credit.low&limit=10')).data;
    expect(events.map((e: { payload: { data: { n: number } } }) => e.payload.data.n)).toEqual([3, 1]);
    expect(json(await call(owner.caller, 'GET', '/v1/webhook-events?type=nope')).error).toMatchObject({ field: 'type' });
    expect(json(await call(owner.caller, 'GET', `/v1/webhooks/${id}/deliveries?cursor=bogus`)).error).toMatchObject({ field: 'cursor' });
    // Deleting the endpoint takes its deliveries along; the events stay.
    await call(owner.caller, 'DELETE', `/v1/webhooks/${id}`);
    const left = await sql<{ n: number }>`select count(*)::int as n from webhook_deliveries where endpoint_id = ${id}`.execute(t.db);
    expect(left.rows[0]!.n).toBe(0);
    expect(json(await call(owner.caller, 'GET', '/v1/webhook-events?type=credit.low')).data).toHaveLength(2);
  });

  it('signs callback URL deliveries with the account\'s callback secret, across its rotation', async () => {
    const r = await startReceiver();
    try {
      const key = await createKey(t.app, owner, ['account:read', 'account:write']);
      const first = json(await call(key.caller, 'GET', '/v1/webhooks/callback-secret'));
      expect(first).toMatchObject({ secret: expect.stringMatching(/^whsec_/), previous: [] });
      expect(json(await call(key.caller, 'GET', '/v1/webhooks/callback-secret')).secret).toBe(first.secret);

      await webhooks.emitEvents(t.db, [{ accountId: owner.accountId, type: 'message.failed', data: { id: 'msg_cb' }, urls: [r.url('/cb')] }]);
      await webhooks.deliverDueWebhooks(t.db, { policy });
      expect(new Webhook(first.secret).verify(r.requests[0]!.body, r.requests[0]!.headers)).toMatchObject({ data: { id: 'msg_cb' } });

      const rotated = json(await call(key.caller, 'POST', '/v1/webhooks/callback-secret/rotate'));
      expect(rotated.previous).toEqual([{ secret: first.secret, expires_at: expect.any(String) }]);
      await webhooks.emitEvents(t.db, [{ accountId: owner.accountId, type: 'message.failed', data: { id: 'msg_cb2' }, urls: [r.url('/cb')] }]);
      await webhooks.deliverDueWebhooks(t.db, { policy });
      for (const secret of [first.secret, rotated.secret]) expect(() => new Webhook(secret).verify(r.requests[1]!.body, r.requests[1]!.headers)).not.toThrow();
    } finally {
      await r.close();
    }
  });

  it('stores no event that nobody receives', async () => {
    const lonely = await createOwner(t.app, t.db, 'No hooks');
    await webhooks.emitEvents(t.db, [{ accountId: lonely.accountId, type: 'message.delivered', data: { id: 'msg_x' } }]);
    const r = await sql<{ n: number }>`select count(*)::int as n from webhook_events where account_id = ${lonely.accountId}`.execute(t.db);
    expect(r.rows[0]!.n).toBe(0);
  });
});
