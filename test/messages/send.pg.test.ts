import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import * as ledger from '../../src/modules/ledger/index.js';
import * as messages from '../../src/modules/messages/index.js';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { createKey, createOwner, type TestUser } from '../helpers/factories.js';
import { expectLedgerConsistent } from '../helpers/ledger.js';
import { fund, startSmsWorld, statusOf } from '../helpers/sms-world.js';

let t: TestApp;
let world: Awaited<ReturnType<typeof startSmsWorld>>;
let owner: TestUser;
let key: { caller: { headers: Record<string, string> } };

beforeAll(async () => {
  t = await createTestApp();
  world = await startSmsWorld(t);
  owner = await createOwner(t.app, t.db, 'Sender Co');
  key = await createKey(t.app, owner, ['messages:read', 'messages:write', 'credit:read']);
  await fund(t, owner.accountId, 10_000n, 5);
});
afterAll(async () => {
  await world.close();
  await t.close();
});
afterEach(() => expectLedgerConsistent(t.db));

const send = (payload: object, headers: Record<string, string> = {}) =>
  t.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...key.caller.headers, ...headers }, payload });

describe('sending an SMS', () => {
  it('goes from the API over SMPP to delivered, charged once', async () => {
    const before = await ledger.getBalances(t.db, owner.accountId);
    const res = await send({ to: ['+32475123456', '0475 12 34 57'], text: 'Hello from Herald', client_reference: 'order-1' });
    expect(res.statusCode).toBe(202);
    const body = json(res);
    expect(body.accepted.map((a: { to: string }) => a.to)).toEqual(['+32475123456', '+32475123457']);
    expect(body).toMatchObject({ encoding: 'gsm7', parts_per_message: 1, rejected: [], cost: { parts: 2, quota_parts: 2, provision: 0 } });

    const ids: string[] = body.accepted.map((a: { id: string }) => a.id);
    await world.pump(async () => (await Promise.all(ids.map((id) => statusOf(t, owner.accountId, id)))).every((s) => s === 'delivered'));
    const detail = json(await t.app.inject({ method: 'GET', url: `/v1/messages/${ids[0]}`, ...key.caller }));
    expect(detail).toMatchObject({ status: 'delivered', to: '+32475123456', sender: 'Herald', client_reference: 'order-1', parts: 1 });
    expect(detail.history.map((h: { status: string }) => h.status)).toEqual(['queued', 'submitted', 'delivered']);
    expect(detail.part_list[0]).toMatchObject({ seq: 1, status: 'delivered', submits: 1 });

    const submit = world.simulator.submits.find((s) => s.destination === '32475123456');
    expect(submit).toMatchObject({ dataCoding: 0, esmClass: 0, source: 'Herald', sourceTon: 5, sourceNpi: 0, destinationTon: 1, destinationNpi: 1, registeredDelivery: 1 });
    const after = await ledger.getBalances(t.db, owner.accountId);
    expect(before.quota.remaining - after.quota.remaining).toBe(2);
    expect(after.quota.held).toBe(0);
  });

  it('sends a long Unicode text in parts with concatenation headers, one receipt each', async () => {
    const text = 'Приглашаем на встречу завтра в 10:00 🙂 '.repeat(4);
    const res = await send({ to: ['+32475000001'], text });
    const { accepted, encoding, parts_per_message } = json(res);
    expect(encoding).toBe('ucs2');
    expect(parts_per_message).toBe(3);
    await world.pump(async () => (await statusOf(t, owner.accountId, accepted[0].id)) === 'delivered');
    const submits = world.simulator.submits.filter((s) => s.destination === '32475000001');
    expect(submits).toHaveLength(3);
    expect(submits.every((s) => s.dataCoding === 8 && s.udh?.concat?.total === 3)).toBe(true);
    // Parts travel concurrently; the handset joins them by sequence number.
    const ordered = [...submits].sort((a, b) => a.udh!.concat!.sequence - b.udh!.concat!.sequence);
    expect(ordered.map((s) => s.text).join('')).toBe(text);
    expect(new Set(submits.map((s) => s.udh!.concat!.reference)).size).toBe(1);
  });

  it('reports each bad recipient with its reason and charges only the good ones', async () => {
    const res = await send({ to: ['+32475111111', 'nonsense', '+32 2 279 22 11', '+32475111111', '+31 900 123456'], text: 'Hi' });
    expect(res.statusCode).toBe(202);
    const body = json(res);
    expect(body.accepted).toHaveLength(1);
    expect(body.rejected.map((r: { field: string; code: string }) => [r.field, r.code])).toEqual([
      ['to[1]', 'not_a_number'],
      ['to[2]', 'not_mobile'],
      ['to[3]', 'duplicate'],
      ['to[4]', 'premium_rate'],
    ]);
    expect(body.cost.parts).toBe(1);
    await world.pump(async () => (await statusOf(t, owner.accountId, body.accepted[0].id)) === 'delivered');
  });

  it('fails a message the centre refuses for good, and refunds it', async () => {
    world.simulator.setFaults({ errorShare: 1, errorStatus: 0x0b });
    try {
      const before = await ledger.getBalances(t.db, owner.accountId);
      const { accepted } = json(await send({ to: ['+32475222222'], text: 'Refused' }));
      await world.pump(async () => (await statusOf(t, owner.accountId, accepted[0].id)) === 'failed');
      const detail = json(await t.app.inject({ method: 'GET', url: `/v1/messages/${accepted[0].id}`, ...key.caller }));
      expect(detail.part_list[0]).toMatchObject({ status: 'failed', error_code: '0x0B' });
      expect(detail.history.map((h: { status: string; detail: string | null }) => [h.status, h.detail])).toEqual([['queued', 'accepted'], ['failed', 'code 0x0B']]);
      const after = await ledger.getBalances(t.db, owner.accountId);
      expect(after.provision.availableMinor).toBe(before.provision.availableMinor);
      expect(after.quota.remaining).toBe(before.quota.remaining);
      expect(after.quota.held).toBe(0);
    } finally {
      world.simulator.setFaults({ errorShare: 0 });
    }
  });

  it('uses bought credit when there is no quota, and refuses with 402 when it does not suffice', async () => {
    const poor = await createOwner(t.app, t.db, 'Poor Co');
    const poorKey = await createKey(t.app, poor, ['messages:write', 'messages:read']);
    await fund(t, poor.accountId, 25n, 0);
    const attempt = (to: string[]) => t.app.inject({ method: 'POST', url: '/v1/messages', ...poorKey.caller, payload: { to, text: 'x' } });
    const refused = await attempt(['+32475300001', '+32475300002', '+32475300003']);
    expect(refused.statusCode).toBe(402);
    expect(json(refused).error.code).toBe('insufficient_credit');
    expect(await messages.listMessages(t.db, poor.accountId, { limit: 10 })).toHaveLength(0);
    const ok = await attempt(['+32475300001', '+32475300002']);
    expect(json(ok).cost).toEqual({ parts: 2, quota_parts: 0, provision: 20 });
  });
});
