import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as webhooks from '../../src/modules/webhooks/index.js';
import { sql } from '../../src/platform/db/index.js';
import { newId, newSecret } from '../../src/platform/ids.js';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { createOwner, type TestUser } from '../helpers/factories.js';
import { startReceiver, type Receiver } from './receiver.js';

// No allow-list here: the installation as shipped. A real listener on
// loopback stands behind every hostile address and must never be reached.

let t: TestApp;
let owner: TestUser;
let listener: Receiver;
let hostile: string[];

beforeAll(async () => {
  t = await createTestApp();
  owner = await createOwner(t.app, t.db, 'SSRF Co');
  listener = await startReceiver();
  const port = listener.port;
  hostile = [
    `http://127.0.0.1:${port}/hook`,
    `http://2130706433:${port}/hook`,
    `http://0177.0.0.1:${port}/hook`,
    `http://[::ffff:127.0.0.1]:${port}/hook`,
    'http://169.254.169.254/latest/meta-data/',
    `http://localhost:${port}/hook`,
    'http://10.0.0.1/hook',
  ];
});
afterAll(async () => {
  await listener.close();
  await t.close();
});

describe('outbound address guard', () => {
  it('refuses an endpoint at a hostile address when it is saved, naming the url and why', async () => {
    for (const url of hostile) {
      const res = await t.app.inject({ method: 'POST', url: '/v1/webhooks', ...owner.caller, payload: { url, events: ['message.delivered'] } });
      // 400 today; 422 once the error table has a code of its own for a refused URL.
      expect([400, 422], `${url}: ${res.body}`).toContain(res.statusCode);
      expect(json(res).error).toMatchObject({ code: 'invalid_request', field: 'url', message: expect.stringMatching(/loopback|private|linkLocal|localhost/) });
    }
    const { id } = json(await t.app.inject({ method: 'POST', url: '/v1/webhooks', ...owner.caller, payload: { url: 'https://93.184.215.14/hook', events: ['message.delivered'] } }));
    for (const url of hostile.slice(0, 2)) {
      const res = await t.app.inject({ method: 'PATCH', url: `/v1/webhooks/${id}`, ...owner.caller, payload: { url } });
      expect(json(res).error).toMatchObject({ field: 'url' });
    }
    expect(json(await t.app.inject({ method: 'GET', url: '/v1/webhooks', ...owner.caller })).data.map((e: { url: string }) => e.url)).toEqual(['https://93.184.215.14/hook']);
    expect(listener.connections).toBe(0);
  });

  it('refuses a send whose callback_url is a hostile address, charging nothing', async () => {
    for (const url of hostile) {
      const res = await t.app.inject({ method: 'POST', url: '/v1/messages', ...owner.caller, payload: { to: ['+32475000777'], text: 'x', callback_url: url } });
      expect(res.statusCode, `${url}: ${res.body}`).toBe(400);
      expect(json(res).error).toMatchObject({ field: 'callback_url', message: expect.stringMatching(/cannot receive callbacks/) });
    }
    expect(json(await t.app.inject({ method: 'GET', url: '/v1/messages', ...owner.caller })).data).toEqual([]);
    expect(listener.connections).toBe(0);
  });

  it('refuses a delivery forced in at a hostile address, to an endpoint or a callback URL, without connecting', async () => {
    const endpointIds: string[] = [];
    for (const url of hostile) {
      const id = newId('whe');
      endpointIds.push(id);
      await sql`insert into webhook_endpoints (id, account_id, url, events, secrets)
        values (${id}, ${owner.accountId}, ${url}, ${['message.failed']}::text[], ${JSON.stringify([{ secret: webhooks.newWebhookSecret(), created_at: new Date().toISOString(), expires_at: null }])}::jsonb)`.execute(t.db);
    }
    // Endpoints get their deliveries from the event; callback URLs ride along as urls.
    await webhooks.emitEvents(t.db, [{ accountId: owner.accountId, type: 'message.failed', data: { id: 'msg_ssrf', token: newSecret() }, urls: hostile }]);
    const leased = await webhooks.deliverDueWebhooks(t.db, { limit: 100 });
    expect(leased).toBe(hostile.length * 2);

    const attempts = await sql<{ url: string; endpoint_id: string | null; status_code: number | null; error: string | null }>`
      select d.url, d.endpoint_id, a.status_code, a.error from webhook_attempts a join webhook_deliveries d on d.id = a.delivery_id
      where d.account_id = ${owner.accountId}`.execute(t.db);
    expect(attempts.rows).toHaveLength(hostile.length * 2);
    for (const a of attempts.rows) {
      expect(a.status_code, a.url).toBeNull();
      expect(a.error, a.url).toMatch(/^refused: /);
    }
    console.log(`refusals: ${[...new Set(attempts.rows.map((a) => `${a.url} → ${a.error}`))].join('\n  ')}`);
    expect(listener.connections).toBe(0);
    expect(listener.requests).toHaveLength(0);

    // The same listener is reachable once the administrator allows it: the guard, not the network, stopped the above.
    await sql`update webhook_deliveries set next_attempt_at = now() - interval '1 second' where account_id = ${owner.accountId} and url = ${hostile[0]}`.execute(t.db);
    await webhooks.deliverDueWebhooks(t.db, { policy: { allowHosts: ['127.0.0.0/8'] } });
    expect(listener.requests.length).toBeGreaterThanOrEqual(1);
    await sql`update webhook_deliveries set status = 'failed' where status = 'pending'`.execute(t.db);
  });
});
