import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as accounts from '../../src/modules/accounts/index.js';
import * as mail from '../../src/modules/mail/index.js';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { createOwner, PASSWORD, uniqueEmail } from '../helpers/factories.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const signIn = (email: string, password: string, ip: string) =>
  t.app.inject({ method: 'POST', url: '/v1/auth/sign-in', payload: { email, password }, remoteAddress: ip });

describe('sign-in throttle', () => {
  it('lets only the free number of 25 parallel wrong guesses reach the password check; the rest get 429', async () => {
    const owner = await createOwner(t.app, t.db);
    const answers = await Promise.all(Array.from({ length: 25 }, () => signIn(owner.email, 'wrong wrong wrong', '203.0.113.50')));
    const statuses = answers.map((a) => a.statusCode);
    // A 401 is only ever answered after Argon2 compared the password: it counts the real checks.
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(20);
    const throttled = answers.find((a) => a.statusCode === 429)!;
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('takes the attempts of parallel guesses at many accounts from one address the same way', async () => {
    const ip = '203.0.113.51';
    const answers = await Promise.all(Array.from({ length: 25 }, () => signIn(uniqueEmail('ghost'), 'wrong wrong wrong', ip)));
    expect(answers.filter((a) => a.statusCode === 401)).toHaveLength(5);
    expect(answers.filter((a) => a.statusCode === 429)).toHaveLength(20);
  });

  it('does not count a right password against the address', async () => {
    const owner = await createOwner(t.app, t.db);
    const ip = '203.0.113.52';
    for (let i = 0; i < 8; i++) expect((await signIn(owner.email, PASSWORD, ip)).statusCode).toBe(200);
    const row = await t.db.selectFrom('login_throttle').selectAll().where('key', '=', `ip:${ip}`).executeTakeFirst();
    expect(row?.failures ?? 0).toBe(0);
    expect(row?.blocked_until ?? null).toBeNull();
  });
});

describe('invitations of a disabled user', () => {
  it('refuses an old invitation of a user disabled since, without setting the password', async () => {
    const owner = await createOwner(t.app, t.db);
    const invite = await t.app.inject({ method: 'POST', url: '/v1/users', ...owner.caller, payload: { email: uniqueEmail('gone'), role: 'member' } });
    expect(invite.statusCode).toBe(201);
    const { user, invitation_link } = json(invite);
    const disable = await t.app.inject({ method: 'PATCH', url: `/v1/users/${user.id}`, ...owner.caller, payload: { disabled: true } });
    expect(disable.statusCode).toBeLessThan(300);
    const before = await t.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();

    const token = new URL(invitation_link).hash.replace('#token=', '');
    const res = await t.app.inject({ method: 'POST', url: '/v1/auth/reset-password', payload: { token, password: 'a brand new passphrase' } });
    expect(res.statusCode).toBeGreaterThanOrEqual(400);
    expect(res.statusCode).toBeLessThan(500);
    expect(json(res).error).toMatchObject({ code: 'invalid_token', field: 'token' });
    const after = await t.db.selectFrom('users').select('password_hash').where('id', '=', user.id).executeTakeFirstOrThrow();
    expect(after.password_hash).toBe(before.password_hash);
    expect(res.cookies.find((c) => c.name === 'herald_session')).toBeUndefined();
  });
});

describe('forgot password', () => {
  const resetEmails = async (to: string) =>
    (await mail.listOutbox(t.db, { to, limit: 50 })).filter((m) => m.subject === 'Reset your Herald password');
  const forgot = (email: string, ip: string) =>
    t.app.inject({ method: 'POST', url: '/v1/auth/forgot-password', payload: { email }, remoteAddress: ip });

  it('does the same work for a known and an unknown address: both are queued, the worker mails only the known one', async () => {
    const owner = await createOwner(t.app, t.db);
    const ghost = uniqueEmail('ghost');
    const known = await forgot(owner.email, '198.51.100.1');
    const unknown = await forgot(ghost, '198.51.100.1');
    expect(known.statusCode).toBe(202);
    expect(known.body).toBe(unknown.body);
    const queued = await t.db.selectFrom('password_reset_requests').select('email').execute();
    expect(queued.map((q) => q.email).sort()).toEqual([owner.email.toLowerCase(), ghost].sort());

    expect(await accounts.sendPasswordResets(t.db)).toBe(2);
    expect(await mail.listOutbox(t.db, { to: ghost, limit: 5 })).toHaveLength(0);
    expect(await resetEmails(owner.email)).toHaveLength(1);
    expect(await t.db.selectFrom('password_reset_requests').select('id').execute()).toHaveLength(0);
  });

  it('sends at most 3 emails an hour to one address, answering every request the same', async () => {
    const owner = await createOwner(t.app, t.db);
    const answers = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const res = await forgot(owner.email, `198.51.100.${10 + i}`);
      answers.add(`${res.statusCode} ${res.body}`);
      await accounts.sendPasswordResets(t.db);
    }
    expect(answers).toEqual(new Set(['202 {"status":"accepted"}']));
    expect((await resetEmails(owner.email)).length).toBeLessThanOrEqual(3);
  });

  it('refuses more than 10 requests an hour from one client address, known or unknown', async () => {
    const ip = '198.51.100.99';
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await forgot(uniqueEmail('someone'), ip)).statusCode);
    expect(statuses).toEqual([...Array(10).fill(202), 429, 429]);
    const refused = await forgot(uniqueEmail('someone'), ip);
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect((await forgot(uniqueEmail('someone'), '198.51.100.98')).statusCode).toBe(202);
  });
});
