import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { openDatabase, type DatabaseHandle } from '../../src/platform/db/index.js';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { createKey, createOwner } from '../helpers/factories.js';
import { startStallingProxy, type StallingProxy } from '../helpers/stalling-proxy.js';

// A database that accepts and never answers must fail requests with 503, not hold them.
describe('with a database that hangs', () => {
  let t: TestApp;
  let proxy: StallingProxy;
  const handles: DatabaseHandle[] = [];
  let key: string;

  const appOn = async (handle: DatabaseHandle) =>
    buildApp({ db: handle.db, publicUrl: 'http://x', sessionHours: 1, secureCookies: false, defaultSender: 'Herald', logLevel: process.env.TEST_LOG_LEVEL ?? 'silent', metrics: new Registry(), version: 'test' });
  const open = () => {
    const handle = openDatabase(proxy.url, { poolSize: 2, connectTimeoutMs: 500, statementTimeoutMs: 1_000 });
    handles.push(handle);
    return handle;
  };

  beforeAll(async () => {
    t = await createTestApp();
    const owner = await createOwner(t.app, t.db);
    key = (await createKey(t.app, owner, ['messages:write', 'messages:read', 'account:read'])).secret;
    proxy = await startStallingProxy(t.database.url);
  });
  afterAll(async () => {
    await proxy?.close();
    for (const h of handles) await h.close();
    await t?.close();
  });

  it('answers sends and /readyz with 503 when connections it holds stop getting answers', async () => {
    const app = await appOn(open());
    try {
      const headers = { authorization: `Bearer ${key}` };
      // Connections are open and working...
      expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(200);
      expect((await app.inject({ method: 'GET', url: '/v1/account', headers })).statusCode).toBe(200);
      proxy.stall();
      // ...then the server goes silent.
      const ready = await app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      const send = await app.inject({ method: 'POST', url: '/v1/messages', headers, payload: { to: ['+447911123456'], text: 'hello' } });
      expect(send.statusCode).toBe(503);
      expect(json(send).error.code).toBe('unavailable');
      const read = await app.inject({ method: 'GET', url: '/v1/messages', headers });
      expect(read.statusCode).toBe(503);
    } finally {
      await app.close();
    }
  }, 60_000);

  it('answers with 503 when a new connection is accepted and never answered', async () => {
    proxy.stall();
    const app = await appOn(open());
    try {
      expect((await app.inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(503);
      const send = await app.inject({ method: 'POST', url: '/v1/messages', headers: { authorization: `Bearer ${key}` }, payload: { to: ['+447911123456'], text: 'hello' } });
      expect(send.statusCode).toBe(503);
    } finally {
      await app.close();
    }
  }, 60_000);
});
