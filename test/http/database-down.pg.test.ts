import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../src/http/app.js';
import { openDatabase } from '../../src/platform/db/index.js';
import { freePort } from '../helpers/process.js';

describe('with the database out of reach', () => {
  it('answers 503 with the error body, and /readyz says not ready', async () => {
    // Nothing listens on this port: every connection is refused at once.
    const handle = openDatabase(`postgres://postgres@127.0.0.1:${await freePort()}/none`, { poolSize: 1 });
    const app = await buildApp({ db: handle.db, publicUrl: 'http://x', sessionHours: 1, secureCookies: false, defaultSender: 'Herald', logLevel: 'silent', metrics: new Registry(), version: 'test' });
    try {
      expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
      const ready = await app.inject({ method: 'GET', url: '/readyz' });
      expect(ready.statusCode).toBe(503);
      const signIn = await app.inject({ method: 'POST', url: '/v1/auth/sign-in', payload: { email: 'a@example.org', password: 'whatever it is' } });
      expect(signIn.statusCode).toBe(503);
      expect(JSON.parse(signIn.body).error.code).toBe('unavailable');
      expect(signIn.headers['retry-after']).toBe('5');
      const keyed = await app.inject({ method: 'GET', url: '/v1/account', headers: { authorization: 'Bearer hrld_abc' } });
      expect(keyed.statusCode).toBe(503);
    } finally {
      await app.close();
      await handle.close();
    }
  });
});
