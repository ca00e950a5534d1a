import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as routing from '../../src/modules/routing/index.js';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { startSmscSimulator } from '../../src/simulators/smsc/index.js';
import { createKey, createOwner, type TestUser } from '../helpers/factories.js';
import { expectLedgerConsistent } from '../helpers/ledger.js';
import { waitUntil } from '../helpers/fault-kit.js';
import { freePort } from '../helpers/process.js';
import { fund, startSmsWorld, statusOf } from '../helpers/sms-world.js';

let t: TestApp;
let owner: TestUser;
let world: Awaited<ReturnType<typeof startSmsWorld>>;

beforeAll(async () => {
  t = await createTestApp();
  world = await startSmsWorld(t);
  owner = await createOwner(t.app, t.db, 'Route Co');
  await fund(t, owner.accountId, 10_000n);
});
afterAll(async () => {
  await world.close();
  await t.close();
});

describe('routes', () => {
  it('sends through the preferred route while its centre is up, and through the next only while it is down', async () => {
    const preferred = await startSmscSimulator({ port: 0, receiptDelayMs: 5 });
    try {
      await routing.saveConnector(t.db, {
        id: 'preferred', provider: 'sms-smpp',
        config: { host: '127.0.0.1', port: preferred.port, systemId: 'herald', password: 'pw', binds: 1, window: 50, ratePerSecond: 0, responseTimeoutMs: 2000 },
      });
      // Same prefix, so only the priority makes 'preferred' the first choice.
      await routing.setRoutes(t.db, [
        { prefix: '+32', connector_id: 'sim', priority: 0 },
        { prefix: '+32', connector_id: 'preferred', priority: 10 },
      ]);
      await world.pool.refresh();
      const bindsUp = (id: string) => world.pool.statuses().find((s) => s.connectorId === id)?.bindsUp ?? 0;
      // Both bound, so the choice below is the route's, not whichever centre happened to be up.
      await waitUntil(() => bindsUp('preferred') > 0 && bindsUp('sim') > 0, 20_000, 'both connectors bound');
      const key = await createKey(t.app, owner, ['messages:write']);
      const send = async (to: string[], text: string): Promise<string[]> => {
        const res = await t.app.inject({ method: 'POST', url: '/v1/messages', ...key.caller, payload: { to, text } });
        expect(res.statusCode, res.body).toBe(202);
        return json(res).accepted.map((a: { id: string }) => a.id);
      };
      const connectorsOf = async (ids: string[]) =>
        (await t.db.selectFrom('message_parts' as never).select(['connector_id'] as never).where('message_id' as never, 'in', ids as never).execute())
          .map((p) => (p as { connector_id: string }).connector_id);
      const delivered = (ids: string[]) => async () => (await Promise.all(ids.map((id) => statusOf(t, owner.accountId, id)))).every((s) => s === 'delivered');

      const fallbackBefore = world.simulator.counters.submits;
      const whileUp = await send(['+32475700011', '+32475700012', '+32475700013'], 'Preferred');
      await world.pump(delivered(whileUp));
      expect(preferred.counters.submits).toBe(3);
      expect(world.simulator.counters.submits - fallbackBefore).toBe(0);
      expect(await connectorsOf(whileUp)).toEqual(['preferred', 'preferred', 'preferred']);

      await preferred.close();
      await waitUntil(() => bindsUp('preferred') === 0, 20_000, 'the preferred connector to see its centre gone');
      const whileDown = await send(['+32475700014', '+32475700015'], 'Failover');
      await world.pump(delivered(whileDown));
      expect(world.simulator.counters.submits - fallbackBefore).toBe(2);
      expect(preferred.counters.submits).toBe(3);
      expect(await connectorsOf(whileDown)).toEqual(['sim', 'sim']);
      await expectLedgerConsistent(t.db);
    } finally {
      await preferred.close();
      await routing.setRoutes(t.db, [{ prefix: '+', connector_id: 'sim', priority: 0 }]);
      await routing.removeConnector(t.db, 'preferred');
      await world.pool.refresh();
    }
  });

  it('fails over to the next route when the preferred SMS centre never binds', async () => {
    // Nothing listens here: the primary never binds.
    await routing.saveConnector(t.db, { id: 'down', provider: 'sms-smpp', config: { host: '127.0.0.1', port: await freePort(), systemId: 'x', password: 'y', responseTimeoutMs: 500 } });
    await routing.setRoutes(t.db, [
      { prefix: '+32', connector_id: 'down', priority: 10 },
      { prefix: '+', connector_id: 'sim', priority: 0 },
    ]);
    await world.pool.refresh();
    const key = await createKey(t.app, owner, ['messages:write']);
    const res = await t.app.inject({ method: 'POST', url: '/v1/messages', ...key.caller, payload: { to: ['+32475700001'], text: 'Failover' } });
    const id = json(res).accepted[0].id;
    await world.pump(async () => (await statusOf(t, owner.accountId, id)) === 'delivered');
    const part = await t.db.selectFrom('message_parts' as never).select(['connector_id'] as never).where('message_id' as never, '=', id as never).executeTakeFirstOrThrow();
    expect(part).toEqual({ connector_id: 'sim' });
    await expectLedgerConsistent(t.db);
  });

  it('is managed by the operator through the API, with clear errors', async () => {
    const { setupOperator } = await import('../helpers/operator.js');
    const op = await setupOperator(t);
    const put = (url: string, payload: object) => t.app.inject({ method: 'PUT', url, ...op.caller, payload });
    const bad = await put('/v1/admin/connectors/x1', { provider: 'sms-smpp', config: { host: 'h', port: 99999, systemId: 's', password: 'p' } });
    expect(bad.statusCode).toBe(400);
    expect(json(bad).error.field).toBe('config.port');
    const unknown = await put('/v1/admin/connectors/x1', { provider: 'carrier-pigeon', config: {} });
    expect(json(unknown).error.field).toBe('provider');
    const ok = await put('/v1/admin/connectors/x1', { provider: 'sms-smpp', config: { host: 'h', port: 2775, systemId: 's', password: 'secret!' } });
    expect(json(ok).config.password).toBe('********');
    const route = await put('/v1/admin/routes', { routes: [{ prefix: '+44', connector_id: 'nope' }] });
    expect(json(route).error.field).toBe('routes[0].connector_id');
    const prefix = await put('/v1/admin/routes', { routes: [{ prefix: '44', connector_id: 'x1' }] });
    expect(json(prefix).error.field).toBe('routes[0].prefix');
    const routes = json(await put('/v1/admin/routes', { routes: [{ prefix: '+44', connector_id: 'x1', priority: 3 }, { prefix: '+', connector_id: 'sim' }] }));
    expect(routes.data).toEqual(expect.arrayContaining([{ prefix: '+44', connector_id: 'x1', priority: 3 }]));
    const price = await t.app.inject({ method: 'PUT', url: '/v1/admin/prices/GB', ...op.caller, payload: { price: 7 } });
    expect(price.statusCode).toBe(204);
    expect(json(await t.app.inject({ method: 'GET', url: '/v1/admin/prices', ...op.caller }))).toEqual({ default: 10, countries: { GB: 7 }, currency: 'EUR' });
    const topUp = await t.app.inject({ method: 'POST', url: `/v1/admin/accounts/${owner.accountId}/top-up`, ...op.caller, payload: { amount: 500, note: 'gift' } });
    expect(topUp.statusCode).toBe(201);
  });
});
