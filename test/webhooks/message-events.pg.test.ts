import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as webhooks from '../../src/modules/webhooks/index.js';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { createKey, createOwner } from '../helpers/factories.js';
import { messageStatusCounts, pumpWith, topUp, waitUntil } from '../helpers/fault-kit.js';
import { startSmsWorld } from '../helpers/sms-world.js';
import { startReceiver, type Receiver } from './receiver.js';

// An SMS through the real pipeline (HTTP → queue → SMPP over TCP → receipt)
// tells its endpoint and its callback_url what became of it.

const policy = { allowHosts: ['127.0.0.1'] };
let t: TestApp;
let world: Awaited<ReturnType<typeof startSmsWorld>>;
let r: Receiver;

beforeAll(async () => {
  t = await createTestApp({ outboundPolicy: policy } as Parameters<typeof createTestApp>[0]);
  // Receipts only when the test sends them, so each status change is its own step.
  world = await startSmsWorld(t, { receiptDelayMs: 600_000 });
  r = await startReceiver();
});
afterAll(async () => {
  await r.close();
  await world.close();
  await t.close();
});

type Body = { type: string; data: Record<string, unknown> };
const bodies = (path: string) => r.requests.filter((q) => q.path === path).map((q) => JSON.parse(q.body) as Body);

async function deliverUntil(count: number) {
  await waitUntil(async () => {
    await webhooks.deliverDueWebhooks(t.db, { policy });
    return r.requests.length >= count;
  }, 10_000, `${count} webhook requests`);
}

describe('message events', () => {
  it('sends message.submitted, then message.delivered or message.failed, to the endpoint and the callback_url', async () => {
    const owner = await createOwner(t.app, t.db, 'Events Co');
    const other = await createOwner(t.app, t.db, 'Quiet Co');
    await topUp(t.db, owner.accountId, 1_000_000n);
    await topUp(t.db, other.accountId, 1_000_000n);
    const key = await createKey(t.app, owner, ['messages:write', 'account:write']);
    const hook = json(await t.app.inject({
      method: 'POST', url: '/v1/webhooks', ...key.caller, payload: { url: r.url('/endpoint'), events: ['message.submitted', 'message.delivered', 'message.failed'] },
    }));
    const callbackSecret = json(await t.app.inject({ method: 'GET', url: '/v1/webhooks/callback-secret', ...key.caller })).secret;

    const send = async (to: string, reference: string) => {
      const res = await t.app.inject({ method: 'POST', url: '/v1/messages', ...key.caller, payload: { to: [to], text: 'Your order shipped', client_reference: reference, callback_url: r.url('/cb') } });
      expect(res.statusCode, res.body).toBe(202);
      return json(res).accepted[0].id as string;
    };
    const delivered = await send('+32475530001', 'order-1');
    const undelivered = await send('+32475530002', 'order-2');
    // Another account's message, with neither endpoint nor callback: nothing.
    const quiet = await t.app.inject({ method: 'POST', url: '/v1/messages', ...(await createKey(t.app, other, ['messages:write'])).caller, payload: { to: ['+32475530003'], text: 'Hi' } });
    expect(quiet.statusCode).toBe(202);

    const ids = [delivered, undelivered, json(quiet).accepted[0].id];
    await pumpWith(t.db, world.pool, async () => (await messageStatusCounts(t.db, ids)).submitted === 3);
    await deliverUntil(4);
    expect(bodies('/endpoint').map((b) => b.type)).toEqual(['message.submitted', 'message.submitted']);

    const smscId = (to: string) => world.simulator.submits.find((s) => s.destination === to.slice(1) && s.messageId)!.messageId!;
    await world.simulator.sendReceipt({ messageId: smscId('+32475530001'), stat: 'DELIVRD' });
    await world.simulator.sendReceipt({ messageId: smscId('+32475530002'), stat: 'UNDELIV' });
    await waitUntil(async () => (await messageStatusCounts(t.db, ids.slice(0, 2))).submitted === undefined, 10_000, 'receipts applied');
    await deliverUntil(8);
    expect(r.requests).toHaveLength(8);

    for (const path of ['/endpoint', '/cb']) {
      const got = bodies(path);
      expect(got.map((b) => `${b.type} ${b.data.id}`).sort()).toEqual([
        `message.delivered ${delivered}`, `message.failed ${undelivered}`, `message.submitted ${delivered}`, `message.submitted ${undelivered}`,
      ].sort());
      expect(got.find((b) => b.type === 'message.delivered')!.data).toEqual({
        id: delivered, status: 'delivered', to: '+32475530001', from: expect.any(String), client_reference: 'order-1', parts: 1,
      });
      expect(got.find((b) => b.type === 'message.failed')!.data).toMatchObject({ id: undelivered, status: 'undelivered', client_reference: 'order-2' });
    }
    // The endpoint's copy and the callback's copy of an event are one event: one webhook-id, each signed with its own secret.
    for (const q of r.requests) {
      const secret = q.path === '/endpoint' ? hook.secret : callbackSecret;
      expect(() => new Webhook(secret).verify(q.body, q.headers), q.path).not.toThrow();
    }
    const idsOf = (path: string) => r.requests.filter((q) => q.path === path).map((q) => q.headers['webhook-id']).sort();
    expect(idsOf('/endpoint')).toEqual(idsOf('/cb'));
    expect(new Set(idsOf('/endpoint')).size).toBe(4);
  });
});
