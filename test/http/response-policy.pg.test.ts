import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { createOwner } from '../helpers/factories.js';

let t: TestApp;
const logLines: string[] = [];
beforeAll(async () => {
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  t = await createTestApp({ logLevel: 'info', logStream });
});
afterAll(() => t.close());

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
};

describe('the request log', () => {
  it('keeps no credential sent in the URL, refused or not', async () => {
    const secret = 'hrld_T0pS3cretKeyMaterial0123456789';
    const refused = await t.app.inject({ method: 'GET', url: `/v1/messages?api_key=${secret}&limit=5` });
    expect(refused.statusCode).toBe(400);
    await t.app.inject({ method: 'GET', url: '/v1/messages?access_token=abcdefSECRETvalue42&q=hello' });
    await t.app.inject({ method: 'GET', url: `/v1/messages?other=${encodeURIComponent(secret)}` });
    await t.app.inject({ method: 'GET', url: `/v1/contacts/${secret}` });
    const log = logLines.join('\n');
    expect(log).toContain('/v1/messages?api_key=[redacted]&limit=5');
    expect(log).toContain('q=hello');
    expect(log).not.toContain('T0pS3cretKeyMaterial');
    expect(log).not.toContain('abcdefSECRETvalue42');
  });
});

describe('answer headers', () => {
  it('marks JSON answers, /openapi.json and /docs no-store, with the security headers of the web pages', async () => {
    const owner = await createOwner(t.app, t.db);
    const answers = [
      await t.app.inject({ method: 'GET', url: '/healthz' }),
      await t.app.inject({ method: 'GET', url: '/v1/me', ...owner.caller }),
      await t.app.inject({ method: 'GET', url: '/v1/nowhere' }),
      await t.app.inject({ method: 'GET', url: '/openapi.json' }),
      await t.app.inject({ method: 'GET', url: '/docs' }),
      await t.app.inject({ method: 'GET', url: '/docs/' }),
    ];
    for (const res of answers) {
      expect(res.headers, res.raw.req.url).toMatchObject({ 'cache-control': 'no-store', ...SECURITY_HEADERS });
      expect(res.headers['content-security-policy'], res.raw.req.url).toMatch(/frame-ancestors 'none'|default-src/);
    }
    // The web pages keep their own caching and CSP.
    const page = await t.app.inject({ method: 'GET', url: '/' });
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
  });

  it('says how to authenticate on every 401', async () => {
    const none = await t.app.inject({ method: 'GET', url: '/v1/me' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer realm="Herald"');
    const wrong = await t.app.inject({ method: 'POST', url: '/v1/auth/sign-in', payload: { email: 'nobody@example.org', password: 'not the password' }, remoteAddress: '203.0.113.80' });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['www-authenticate']).toBe('Bearer realm="Herald"');
  });

  it('answers a wrong method on an existing path 405 with Allow, and an unknown path 404', async () => {
    const del = await t.app.inject({ method: 'DELETE', url: '/v1/me' });
    expect(del.statusCode).toBe(405);
    expect(del.headers.allow).toBe('GET, HEAD, PATCH');
    expect(json(del).error).toMatchObject({ code: 'method_not_allowed', requestId: expect.any(String) });
    const get = await t.app.inject({ method: 'GET', url: '/v1/auth/sign-in?x=1' });
    expect(get.statusCode).toBe(405);
    expect(get.headers.allow).toBe('POST');
    const unknown = await t.app.inject({ method: 'DELETE', url: '/v1/nowhere' });
    expect(unknown.statusCode).toBe(404);
    expect(json(unknown).error.code).toBe('not_found');
  });
});
