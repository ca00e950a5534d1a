import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as accounts from '../../src/modules/accounts/index.js';
import * as mail from '../../src/modules/mail/index.js';
import { asSession, createTestApp, json, PUBLIC_URL, sessionCookie, type TestApp } from '../helpers/app.js';
import { createOwner, PASSWORD } from '../helpers/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const tokenOf = (link: string) => new URL(link).hash.replace('#token=', '');

describe('first-run setup', () => {
  it('creates the operator owner once, with the printed one-time link only', async () => {
    expect(json(await t.app.inject({ method: 'GET', url: '/v1/setup' }))).toEqual({ needed: true });
    const first = await accounts.issueSetupLink(t.db, PUBLIC_URL);
    const link = await accounts.issueSetupLink(t.db, PUBLIC_URL);
    expect(link).toMatch(/^http:\/\/herald\.test\/setup#token=[\w-]{40,}$/);
    const body = { account_name: 'Operator', name: 'Olga', email: 'olga@example.org', password: PASSWORD };

    // A newer link replaces the older one; a forged one does nothing.
    for (const token of [tokenOf(first!), 'forged']) {
      const res = await t.app.inject({ method: 'POST', url: '/v1/setup', payload: { ...body, token } });
      expect(res.statusCode).toBe(400);
      expect(json(res).error).toMatchObject({ code: 'invalid_token', field: 'token' });
    }
    const weak = await t.app.inject({ method: 'POST', url: '/v1/setup', payload: { ...body, password: 'password1', token: tokenOf(link!) } });
    expect(json(weak).error).toMatchObject({ code: 'weak_password', field: 'password' });

    const res = await t.app.inject({ method: 'POST', url: '/v1/setup', payload: { ...body, token: tokenOf(link!) } });
    expect(res.statusCode).toBe(201);
    const session = json(res);
    expect(session.user).toMatchObject({ email: 'olga@example.org', role: 'owner', status: 'active' });
    expect(session.account).toMatchObject({ name: 'Operator', is_operator: true });
    expect(session.scopes).toContain('operator');
    const cookie = res.cookies.find((c) => c.name === 'herald_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });

    const again = await t.app.inject({ method: 'POST', url: '/v1/setup', payload: { ...body, token: tokenOf(link!) } });
    expect(again.statusCode).toBe(409);
    expect(await accounts.issueSetupLink(t.db, PUBLIC_URL)).toBeNull();
    expect(json(await t.app.inject({ method: 'GET', url: '/v1/setup' }))).toEqual({ needed: false });
  });
});

describe('sign-in and sessions', () => {
  it('signs in, needs the CSRF token for changes, and signs out', async () => {
    const owner = await createOwner(t.app, t.db);
    const res = await t.app.inject({ method: 'POST', url: '/v1/auth/sign-in', payload: { email: owner.email.toUpperCase(), password: PASSWORD } });
    expect(res.statusCode).toBe(200);
    const { csrf_token } = json(res);
    const cookie = sessionCookie(res);

    const me = await t.app.inject({ method: 'GET', url: '/v1/auth/session', headers: { cookie: `herald_session=${cookie}` } });
    expect(json(me).user.email).toBe(owner.email);

    const noCsrf = await t.app.inject({ method: 'PATCH', url: '/v1/account', headers: { cookie: `herald_session=${cookie}` }, payload: { name: 'x' } });
    expect(noCsrf.statusCode).toBe(403);
    expect(json(noCsrf).error).toMatchObject({ code: 'csrf_failed', field: 'x-csrf-token' });
    const wrongCsrf = await t.app.inject({ method: 'PATCH', url: '/v1/account', ...asSession(cookie, owner.csrf), payload: { name: 'x' } });
    expect(wrongCsrf.statusCode).toBe(403);
    const ok = await t.app.inject({ method: 'PATCH', url: '/v1/account', ...asSession(cookie, csrf_token), payload: { name: 'Renamed' } });
    expect(json(ok).name).toBe('Renamed');

    const out = await t.app.inject({ method: 'POST', url: '/v1/auth/sign-out', ...asSession(cookie, csrf_token) });
    expect(out.statusCode).toBe(204);
    const after = await t.app.inject({ method: 'GET', url: '/v1/auth/session', headers: { cookie: `herald_session=${cookie}` } });
    expect(after.statusCode).toBe(401);
  });

  it('answers an unknown email exactly like a wrong password', async () => {
    const owner = await createOwner(t.app, t.db);
    const wrong = await t.app.inject({ method: 'POST', url: '/v1/auth/sign-in', payload: { email: owner.email, password: 'not the password' } });
    const unknown = await t.app.inject({ method: 'POST', url: '/v1/auth/sign-in', payload: { email: 'nobody@example.org', password: 'not the password' } });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    const strip = (b: string) => ({ ...JSON.parse(b).error, requestId: undefined });
    expect(strip(wrong.body)).toEqual(strip(unknown.body));
  });

  it('slows down repeated failures per account and per address, without locking forever', async () => {
    const owner = await createOwner(t.app, t.db);
    const attempt = (password: string, ip = '203.0.113.7') =>
      t.app.inject({ method: 'POST', url: '/v1/auth/sign-in', payload: { email: owner.email, password }, remoteAddress: ip });
    for (let i = 0; i < 5; i++) expect((await attempt('wrong wrong')).statusCode).toBe(401);
    // Now blocked for a while, even with the right password and from another address.
    const blocked = await attempt(PASSWORD, '198.51.100.9');
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    // The block is temporary: once it has passed, the right password works.
    await t.db.updateTable('login_throttle').set({ blocked_until: new Date(Date.now() - 1000) }).execute();
    expect((await attempt(PASSWORD)).statusCode).toBe(200);
  });

  it('changes a password, refusing a common one, and ends the other sessions', async () => {
    const owner = await createOwner(t.app, t.db);
    const other = await t.app.inject({ method: 'POST', url: '/v1/auth/sign-in', payload: { email: owner.email, password: PASSWORD } });
    const otherCookie = sessionCookie(other);
    const change = (current: string, next: string) =>
      t.app.inject({ method: 'POST', url: '/v1/auth/password', ...owner.caller, payload: { current_password: current, new_password: next } });
    expect(json(await change('wrong', 'another long passphrase')).error).toMatchObject({ code: 'invalid_credentials', field: 'current_password' });
    expect(json(await change(PASSWORD, 'qwerty123')).error).toMatchObject({ code: 'weak_password', field: 'new_password' });
    expect(json(await change(PASSWORD, 'short')).error.field).toBe('new_password');
    expect((await change(PASSWORD, 'another long passphrase')).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', headers: { cookie: `herald_session=${otherCookie}` } })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', ...owner.caller })).statusCode).toBe(200);
    const signIn = await t.app.inject({ method: 'POST', url: '/v1/auth/sign-in', payload: { email: owner.email, password: 'another long passphrase' } });
    expect(signIn.statusCode).toBe(200);
  });
});

describe('forgot password', () => {
  it('emails a single-use link that sets the password and ends every session', async () => {
    const owner = await createOwner(t.app, t.db);
    const unknown = await t.app.inject({ method: 'POST', url: '/v1/auth/forgot-password', payload: { email: 'ghost@example.org' } });
    const known = await t.app.inject({ method: 'POST', url: '/v1/auth/forgot-password', payload: { email: owner.email } });
    expect(unknown.statusCode).toBe(202);
    expect(known.statusCode).toBe(202);
    expect(known.body).toBe(unknown.body);
    await accounts.sendPasswordResets(t.db);
    expect(await mail.listOutbox(t.db, { to: 'ghost@example.org', limit: 5 })).toHaveLength(0);

    const [email] = await mail.listOutbox(t.db, { to: owner.email, limit: 1 }, { revealLiveTokens: true });
    expect(email!.subject).toBe('Reset your Herald password');
    const link = /http:\/\/herald\.test\/reset-password#token=([\w-]+)/.exec(email!.text_body)!;
    const info = await t.app.inject({ method: 'POST', url: '/v1/auth/token-info', payload: { token: link[1] } });
    expect(json(info)).toEqual({ purpose: 'password_reset', email: owner.email });

    const reset = await t.app.inject({ method: 'POST', url: '/v1/auth/reset-password', payload: { token: link[1], password: 'a brand new passphrase' } });
    expect(reset.statusCode).toBe(200);
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', ...owner.caller })).statusCode).toBe(401);
    const reuse = await t.app.inject({ method: 'POST', url: '/v1/auth/reset-password', payload: { token: link[1], password: 'yet another passphrase' } });
    expect(json(reuse).error).toMatchObject({ code: 'invalid_token', field: 'token' });
    const signIn = await t.app.inject({ method: 'POST', url: '/v1/auth/sign-in', payload: { email: owner.email, password: 'a brand new passphrase' } });
    expect(signIn.statusCode).toBe(200);
  });

  it('refuses an expired link', async () => {
    const owner = await createOwner(t.app, t.db);
    await t.app.inject({ method: 'POST', url: '/v1/auth/forgot-password', payload: { email: owner.email } });
    await accounts.sendPasswordResets(t.db);
    const [email] = await mail.listOutbox(t.db, { to: owner.email, limit: 1 }, { revealLiveTokens: true });
    const token = /#token=([\w-]+)/.exec(email!.text_body)![1]!;
    await t.db.updateTable('one_time_tokens').set({ expires_at: new Date(Date.now() - 1) }).where('purpose', '=', 'password_reset').execute();
    const res = await t.app.inject({ method: 'POST', url: '/v1/auth/reset-password', payload: { token, password: 'a brand new passphrase' } });
    expect(res.statusCode).toBe(400);
  });
});
