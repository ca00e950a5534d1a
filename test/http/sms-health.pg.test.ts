import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as routing from '../../src/modules/routing/index.js';
import { createLogger } from '../../src/platform/logger.js';
import { startWorker } from '../../src/worker.js';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { createKey, createOwner } from '../helpers/factories.js';
import { fund, startSmsWorld } from '../helpers/sms-world.js';

type Ready = { status: string; database: string; connectors: { id: string; binds_up: number; workers: number; last_error: string | null }[] };

async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// An outage of an SMS centre shows in /readyz and /metrics of any process, an API-only one too.
describe('SMS connectors in /readyz and /metrics', () => {
  let t: TestApp;
  let world: Awaited<ReturnType<typeof startSmsWorld>>;
  const ready = async () => json<Ready>(await t.app.inject({ method: 'GET', url: '/readyz' }));
  const metrics = async () => (await t.app.inject({ method: 'GET', url: '/metrics' })).body;
  const sim = (r: Ready) => r.connectors.find((c) => c.id === 'sim');

  beforeAll(async () => {
    t = await createTestApp();
    world = await startSmsWorld(t);
  });
  afterAll(async () => {
    await world?.close();
    await t?.close();
  });

  it('shows the binds a running worker reports, and none once it stopped', async () => {
    expect(sim(await ready())).toMatchObject({ binds_up: 0, workers: 0 });
    const worker = startWorker({ db: t.db, logger: createLogger('silent'), mail: { HERALD_MAIL_FROM: 'Herald <h@example.org>' } as never, mailDomain: 'example.org', sms: world.pool });
    try {
      const up = await until(ready, (r) => sim(r)?.binds_up === 1, 'the worker to report a bind up');
      expect(up).toMatchObject({ status: 'ok', database: 'ok' });
      expect(sim(up)).toMatchObject({ binds_up: 1, workers: 1 });
    } finally {
      await worker.stop();
    }
    expect(sim(await ready())).toMatchObject({ binds_up: 0, workers: 0 });
  });

  it('says which connector has no bind up while the API stays ready, and counts the parts waiting for it', async () => {
    const owner = await createOwner(t.app, t.db);
    await fund(t, owner.accountId, 100_000n);
    const key = await createKey(t.app, owner, ['messages:write']);
    await routing.reportConnectorStatus(t.db, 'worker-a', world.pool.statuses());
    expect(await metrics()).toContain('herald_sms_connector_binds_up{connector="sim"} 1');

    await world.simulator.close();
    await until(async () => world.pool.statuses(), (s) => s[0]?.bindsUp === 0, 'the bind to drop');
    await routing.reportConnectorStatus(t.db, 'worker-a', world.pool.statuses());
    const down = await t.app.inject({ method: 'GET', url: '/readyz' });
    expect(down.statusCode).toBe(200);
    expect(json<Ready>(down).status).toBe('ok');
    expect(sim(json<Ready>(down))).toMatchObject({ binds_up: 0, workers: 1 });
    expect(sim(json<Ready>(down))!.last_error).toEqual(expect.any(String));

    for (const to of ['+447911123401', '+447911123402', '+447911123403']) {
      expect((await t.app.inject({ method: 'POST', url: '/v1/messages', ...key.caller, payload: { to: [to], text: 'waiting' } })).statusCode).toBe(202);
    }
    const body = await metrics();
    expect(body).toContain('herald_sms_connector_binds_up{connector="sim"} 0');
    expect(body).toContain('herald_sms_connector_in_flight{connector="sim"} 0');
    expect(body).toContain('herald_sms_queue_due_parts{connector="sim"} 3');
    const age = /herald_sms_queue_oldest_due_age_seconds\{connector="sim"\} ([\d.e+-]+)/.exec(body);
    expect(Number(age?.[1])).toBeGreaterThanOrEqual(0);
  });
});
