import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as webhooks from '../../src/modules/webhooks/index.js';
import { sql } from '../../src/platform/db/index.js';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { createOwner, type TestUser } from '../helpers/factories.js';
import { startReceiver, type Receiver } from './receiver.js';

// Deliveries to a real HTTP server on loopback, which the allow-list lets
// through; the schedule is driven by the deliverer's clock, never by waiting.

const policy = { allowHosts: ['127.0.0.1'] };
let t: TestApp;
const receivers: Receiver[] = [];

beforeAll(async () => {
  t = await createTestApp({ outboundPolicy: policy } as Parameters<typeof createTestApp>[0]);
});
afterAll(() => t.close());
afterEach(async () => {
  // What a test leaves pending must not be delivered by the next test's clock.
  await sql`update webhook_deliveries set status = 'failed' where status = 'pending'`.execute(t.db);
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

async function receiver(answer?: Parameters<typeof startReceiver>[0]): Promise<Receiver> {
  const r = await startReceiver(answer);
  receivers.push(r);
  return r;
}

async function endpoint(owner: TestUser, url: string, events = ['message.delivered']): Promise<{ id: string; secret: string }> {
  const res = await t.app.inject({ method: 'POST', url: '/v1/webhooks', ...owner.caller, payload: { url, events } });
  expect(res.statusCode, res.body).toBe(201);
  return json(res);
}

async function emit(accountId: string, data: object = { id: 'msg_test', status: 'delivered' }): Promise<string> {
  await webhooks.emitEvents(t.db, [{ accountId, type: 'message.delivered', data: { ...data } }]);
  const r = await sql<{ id: string }>`select id from webhook_events where account_id = ${accountId} order by id desc limit 1`.execute(t.db);
  return r.rows[0]!.id;
}

const deliver = (at?: Date) => webhooks.deliverDueWebhooks(t.db, { policy, ...(at && { now: () => at }) });
const dueNow = () => sql`update webhook_deliveries set next_attempt_at = now() - interval '1 second' where status = 'pending'`.execute(t.db);
const later = (from: Date, ms: number) => new Date(from.getTime() + ms);

async function deliveriesOf(eventId: string) {
  const r = await sql<{ id: string; status: string; attempts: number; next_attempt_at: Date | null; last_error: string | null }>`
    select id, status, attempts, next_attempt_at, last_error from webhook_deliveries where event_id = ${eventId} order by id`.execute(t.db);
  return r.rows;
}
async function endpointRow(id: string) {
  const r = await sql<{ enabled: boolean; disabled_reason: string | null; failing_since: Date | null }>`
    select enabled, disabled_reason, failing_since from webhook_endpoints where id = ${id}`.execute(t.db);
  return r.rows[0]!;
}

describe('webhook delivery', () => {
  it('retries a receiver that fails for a while; each attempt carries the event id and verifies', async () => {
    const owner = await createOwner(t.app, t.db, 'Flaky receiver');
    const r = await receiver((n) => ({ status: n <= 3 ? 500 : 200, body: n <= 3 ? 'down for maintenance' : 'ok' }));
    const { id: endpointId, secret } = await endpoint(owner, r.url());
    const eventId = await emit(owner.accountId, { id: 'msg_1', status: 'delivered', text: 'héllo' });

    expect(await deliver()).toBe(1);
    expect((await endpointRow(endpointId)).failing_since).not.toBeNull();
    while (r.requests.length < 4) {
      await dueNow();
      expect(await deliver()).toBe(1);
    }
    expect(await deliver()).toBe(0);

    expect(r.requests.map((q) => q.headers['webhook-id'])).toEqual([eventId, eventId, eventId, eventId]);
    expect(new Set(r.requests.map((q) => q.body)).size).toBe(1);
    for (const q of r.requests) {
      expect(new Webhook(secret).verify(q.body, q.headers)).toMatchObject({ type: 'message.delivered', data: { id: 'msg_1', text: 'héllo' } });
    }
    expect(JSON.parse(r.requests[0]!.body)).toEqual({ type: 'message.delivered', timestamp: expect.any(String), data: { id: 'msg_1', status: 'delivered', text: 'héllo' } });

    const [delivery] = await deliveriesOf(eventId);
    expect(delivery).toMatchObject({ status: 'succeeded', attempts: 4, next_attempt_at: null, last_error: null });
    expect((await endpointRow(endpointId)).failing_since).toBeNull();
    const detail = json(await t.app.inject({ method: 'GET', url: `/v1/webhook-deliveries/${delivery!.id}`, ...owner.caller }));
    expect(detail.attempt_log.map((a: { status_code: number }) => a.status_code)).toEqual([500, 500, 500, 200]);
    expect(detail.attempt_log.map((a: { response_start: string }) => a.response_start)).toEqual(['down for maintenance', 'down for maintenance', 'down for maintenance', 'ok']);
    for (const a of detail.attempt_log) expect(Number.isInteger(a.latency_ms) && a.latency_ms >= 0).toBe(true);
  });

  it('follows the schedule now, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then gives up; every attempt logged', async () => {
    const owner = await createOwner(t.app, t.db, 'Dead receiver');
    const r = await receiver(() => ({ status: 503, body: 'unavailable' }));
    await endpoint(owner, r.url());
    const eventId = await emit(owner.accountId);
    const start = new Date();
    const offsets = [0];
    for (const wait of webhooks.RETRY_DELAYS_MS) offsets.push(offsets[offsets.length - 1]! + wait);
    expect(offsets).toHaveLength(8);

    for (const [n, offset] of offsets.entries()) {
      if (n > 0) {
        expect(await deliver(later(start, offset - 1)), `attempt ${n + 1} is not due before its time`).toBe(0);
        const [pending] = await deliveriesOf(eventId);
        expect(pending!.next_attempt_at).toEqual(later(start, offset));
      }
      expect(await deliver(later(start, offset))).toBe(1);
      expect(r.requests).toHaveLength(n + 1);
    }
    const [delivery] = await deliveriesOf(eventId);
    expect(delivery).toMatchObject({ status: 'failed', attempts: 8, next_attempt_at: null, last_error: 'HTTP 503' });
    expect(await deliver(later(start, 100 * 3_600_000))).toBe(0);

    const attempts = await sql<{ attempted_at: Date; status_code: number; latency_ms: number; response_start: string; error: string | null }>`
      select attempted_at, status_code, latency_ms, response_start, error from webhook_attempts where delivery_id = ${delivery!.id} order by id`.execute(t.db);
    expect(attempts.rows.map((a) => a.attempted_at.getTime() - start.getTime())).toEqual(offsets);
    for (const a of attempts.rows) {
      expect(a).toMatchObject({ status_code: 503, response_start: 'unavailable', error: null });
      expect(a.latency_ms).toBeGreaterThanOrEqual(0);
    }
  });

  it('disables an endpoint that answers 410 and fails its pending deliveries', async () => {
    const owner = await createOwner(t.app, t.db, 'Gone receiver');
    const r = await receiver(() => ({ status: 410 }));
    const { id } = await endpoint(owner, r.url());
    const first = await emit(owner.accountId);
    const second = await emit(owner.accountId);
    await sql`update webhook_deliveries set next_attempt_at = now() + interval '1 hour' where event_id = ${second}`.execute(t.db);

    expect(await deliver()).toBe(1);
    expect(await endpointRow(id)).toMatchObject({ enabled: false, disabled_reason: expect.stringMatching(/410/) });
    expect((await deliveriesOf(first))[0]).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await deliveriesOf(second))[0]).toMatchObject({ status: 'failed', attempts: 0, last_error: expect.stringMatching(/disabled.*410/) });
    // A disabled endpoint is not sent new events.
    await emit(owner.accountId);
    expect(await deliver(later(new Date(), 7_200_000))).toBe(0);
    expect(r.requests).toHaveLength(1);

    const enabled = json(await t.app.inject({ method: 'PATCH', url: `/v1/webhooks/${id}`, ...owner.caller, payload: { enabled: true } }));
    expect(enabled).toMatchObject({ enabled: true, disabled_reason: null, failing_since: null });
  });

  it('disables an endpoint that has failed every attempt for 5 days', async () => {
    const owner = await createOwner(t.app, t.db, 'Failing receiver');
    const r = await receiver(() => ({ status: 500 }));
    const { id } = await endpoint(owner, r.url());
    await emit(owner.accountId);
    const start = new Date();
    expect(await deliver(start)).toBe(1);
    expect((await endpointRow(id)).failing_since).toEqual(start);

    const fourDays = later(start, 4 * 86_400_000);
    await emit(owner.accountId);
    expect(await deliver(fourDays)).toBe(2);
    expect(await endpointRow(id)).toMatchObject({ enabled: true, failing_since: start });

    await emit(owner.accountId);
    expect(await deliver(later(start, 5 * 86_400_000))).toBeGreaterThanOrEqual(1);
    expect(await endpointRow(id)).toMatchObject({ enabled: false, disabled_reason: expect.stringMatching(/5 days/) });
    const pending = await sql<{ n: number }>`select count(*)::int as n from webhook_deliveries where endpoint_id = ${id} and status = 'pending'`.execute(t.db);
    expect(pending.rows[0]!.n).toBe(0);
  });

  it('counts a redirect as a failure and never follows it', async () => {
    const owner = await createOwner(t.app, t.db, 'Redirecting receiver');
    const target = await receiver();
    const r = await receiver(() => ({ status: 302, headers: { location: target.url('/elsewhere') } }));
    const { id } = await endpoint(owner, r.url());
    const eventId = await emit(owner.accountId);
    expect(await deliver()).toBe(1);
    expect(r.requests).toHaveLength(1);
    expect(target.connections).toBe(0);
    expect((await deliveriesOf(eventId))[0]).toMatchObject({ status: 'pending', attempts: 1, last_error: 'HTTP 302' });
    expect((await endpointRow(id)).failing_since).not.toBeNull();
  });

  it('replays an event as a new delivery with the same webhook-id, to its own endpoints only', async () => {
    const owner = await createOwner(t.app, t.db, 'Replaying');
    const other = await createOwner(t.app, t.db, 'Someone else');
    const r = await receiver();
    const { id: endpointId } = await endpoint(owner, r.url());
    const { id: foreignEndpoint } = await endpoint(other, r.url('/other'));
    const eventId = await emit(owner.accountId);
    await deliver();
    expect(r.requests).toHaveLength(1);

    const replay = (caller = owner.caller, payload: object = {}) => t.app.inject({ method: 'POST', url: `/v1/webhook-events/${eventId}/replay`, ...caller, payload });
    expect((await replay(other.caller)).statusCode).toBe(404);
    expect((await replay(owner.caller, { endpoint_id: foreignEndpoint })).statusCode).toBe(404);
    const res = await replay(owner.caller, { endpoint_id: endpointId });
    expect(res.statusCode, res.body).toBe(202);
    const [fresh] = json(res).deliveries;
    expect(fresh).toMatchObject({ event_id: eventId, endpoint_id: endpointId, status: 'pending', attempts: 0 });

    await deliver();
    expect(r.requests).toHaveLength(2);
    expect(r.requests[1]!.headers['webhook-id']).toBe(eventId);
    expect(r.requests[1]!.body).toBe(r.requests[0]!.body);
    // No body: to every endpoint subscribed now.
    const all = await t.app.inject({ method: 'POST', url: `/v1/webhook-events/${eventId}/replay`, ...owner.caller });
    expect(all.statusCode, all.body).toBe(202);
    expect(json(all).deliveries.map((d: { endpoint_id: string }) => d.endpoint_id)).toEqual([endpointId]);
    await deliver();
    expect(r.requests.map((q) => q.headers['webhook-id'])).toEqual([eventId, eventId, eventId]);
    const event = json(await t.app.inject({ method: 'GET', url: `/v1/webhook-events/${eventId}`, ...owner.caller }));
    expect(event.deliveries.map((d: { status: string }) => d.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    expect((await t.app.inject({ method: 'GET', url: `/v1/webhook-events/${eventId}`, ...other.caller })).statusCode).toBe(404);
  });

  it('signs with both secrets during a rotation, and with the new one only after it', async () => {
    const owner = await createOwner(t.app, t.db, 'Rotating');
    const r = await receiver();
    const { id, secret: old } = await endpoint(owner, r.url());
    const rotated = await t.app.inject({ method: 'POST', url: `/v1/webhooks/${id}/rotate-secret`, ...owner.caller });
    expect(rotated.statusCode, rotated.body).toBe(200);
    const fresh: string = json(rotated).secret;
    expect(fresh).not.toBe(old);

    await emit(owner.accountId);
    await deliver();
    const during = r.requests[0]!;
    expect(during.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(() => new Webhook(old).verify(during.body, during.headers)).not.toThrow();
    expect(() => new Webhook(fresh).verify(during.body, during.headers)).not.toThrow();

    const dayAfter = later(new Date(), 25 * 3_600_000);
    const eventId = await emit(owner.accountId);
    await deliver(dayAfter);
    const after = r.requests[1]!;
    expect(after.headers['webhook-signature']).toBe(webhooks.signWebhook(fresh, eventId, dayAfter, after.body)['webhook-signature']);
  });

  it('sends a pending retry to the endpoint\'s new URL once the URL is changed', async () => {
    const owner = await createOwner(t.app, t.db, 'Moved receiver');
    const old = await receiver(() => ({ status: 503 }));
    const moved = await receiver();
    const { id } = await endpoint(owner, old.url());
    await emit(owner.accountId);
    expect(await deliver()).toBe(1);
    expect(old.requests).toHaveLength(1);
    expect((await t.app.inject({ method: 'PATCH', url: `/v1/webhooks/${id}`, ...owner.caller, payload: { url: moved.url() } })).statusCode).toBe(200);
    await dueNow();
    expect(await deliver()).toBe(1);
    expect(old.requests).toHaveLength(1);
    expect(moved.requests).toHaveLength(1);
  });

  it('takes at most two deliveries of one receiver a round, so one backlog does not hold up the others', async () => {
    const owner = await createOwner(t.app, t.db, 'Backlogged');
    const busy = await receiver();
    const other = await receiver();
    await endpoint(owner, busy.url());
    for (let i = 0; i < 10; i++) await emit(owner.accountId, { id: `msg_${i}` });
    const quiet = await createOwner(t.app, t.db, 'Quiet');
    await endpoint(quiet, other.url());
    await emit(quiet.accountId);
    expect(await deliver()).toBe(3);
    expect(busy.requests).toHaveLength(2);
    expect(other.requests).toHaveLength(1);
    while (await deliver());
    expect(busy.requests).toHaveLength(10);
  });

  it('deletes events a month old with nothing left to deliver, with their deliveries and attempts', async () => {
    const owner = await createOwner(t.app, t.db, 'Old events');
    const r = await receiver();
    await endpoint(owner, r.url());
    const done = await emit(owner.accountId);
    await deliver();
    const waiting = await emit(owner.accountId);
    const month = new Date(Date.now() + 31 * 86_400_000);
    await webhooks.pruneWebhookEvents(t.db, { now: month });
    const left = await sql<{ id: string }>`select id from webhook_events where account_id = ${owner.accountId}`.execute(t.db);
    expect(left.rows.map((e) => e.id)).toEqual([waiting]);
    expect((await sql`select 1 from webhook_deliveries where event_id = ${done}`.execute(t.db)).rows).toHaveLength(0);
  });
});
