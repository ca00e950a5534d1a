import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asKey, createTestApp, json, type TestApp } from '../helpers/app.js';
import { createKey, createMember, createOwner, type TestUser } from '../helpers/factories.js';

let t: TestApp;
let owner: TestUser;
beforeAll(async () => {
  t = await createTestApp();
  owner = await createOwner(t.app, t.db);
});
afterAll(() => t.close());

describe('API keys', () => {
  it('shows the secret once, stores only its hash, and records last use', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/api-keys', ...owner.caller, payload: { name: 'CRM', scopes: ['account:read', 'messages:write'] } });
    expect(res.statusCode).toBe(201);
    const created = json(res);
    expect(created.secret).toMatch(/^hrld_[\w-]{43}$/);
    expect(created.secret.startsWith(created.prefix)).toBe(true);
    const stored = await t.db.selectFrom('api_keys').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(stored.token_hash.toString('hex')).not.toContain(Buffer.from(created.secret).toString('hex'));
    expect(JSON.stringify(stored)).not.toContain(created.secret);

    const list = json(await t.app.inject({ method: 'GET', url: '/v1/api-keys', ...owner.caller }));
    expect(JSON.stringify(list)).not.toContain(created.secret);
    expect(list.data[0]).toMatchObject({ id: created.id, last_used_at: null });

    const used = await t.app.inject({ method: 'GET', url: '/v1/account', ...asKey(created.secret) });
    expect(used.statusCode).toBe(200);
    const after = json(await t.app.inject({ method: 'GET', url: '/v1/api-keys', ...owner.caller }));
    expect(after.data[0].last_used_at).not.toBeNull();
  });

  it('enforces scopes and never lets a key manage keys', async () => {
    const key = await createKey(t.app, owner, ['account:read']);
    expect((await t.app.inject({ method: 'GET', url: '/v1/users', ...key.caller })).statusCode).toBe(200);
    const write = await t.app.inject({ method: 'PATCH', url: '/v1/account', ...key.caller, payload: { name: 'x' } });
    expect(write.statusCode).toBe(403);
    expect(json(write).error.message).toContain('account:write');
    const full = await createKey(t.app, owner, ['account:write', 'account:read']);
    const mint = await t.app.inject({ method: 'POST', url: '/v1/api-keys', ...full.caller, payload: { name: 'x', scopes: ['account:read'] } });
    expect(mint.statusCode).toBe(403);
    // An API key needs no CSRF token: it is not sent by browsers on their own.
    expect((await t.app.inject({ method: 'PATCH', url: '/v1/account', ...full.caller, payload: { name: 'Keyed' } })).statusCode).toBe(200);
  });

  it('grants no more than its creator has', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/v1/api-keys', ...owner.caller, payload: { name: 'x', scopes: ['operator'] } });
    expect(res.statusCode).toBe(403);
    expect(json(res).error.field).toBe('scopes[0]');
    const unknown = await t.app.inject({ method: 'POST', url: '/v1/api-keys', ...owner.caller, payload: { name: 'x', scopes: ['root'] } });
    expect(unknown.statusCode).toBe(400);
    expect(json(unknown).error.field).toMatch(/^scopes/);
    const member = await createMember(t.app, owner, 'member');
    expect((await t.app.inject({ method: 'GET', url: '/v1/api-keys', ...member.caller })).statusCode).toBe(403);
  });

  it('stops working at once when revoked, and when expired', async () => {
    const key = await createKey(t.app, owner, ['account:read']);
    const revoked = await t.app.inject({ method: 'DELETE', url: `/v1/api-keys/${key.id}`, ...owner.caller });
    expect(json(revoked).revoked_at).not.toBeNull();
    expect((await t.app.inject({ method: 'GET', url: '/v1/account', ...key.caller })).statusCode).toBe(401);

    const soon = new Date(Date.now() + 60_000).toISOString();
    const res = await t.app.inject({ method: 'POST', url: '/v1/api-keys', ...owner.caller, payload: { name: 'temp', scopes: ['account:read'], expires_at: soon } });
    const temp = json(res);
    expect((await t.app.inject({ method: 'GET', url: '/v1/account', ...asKey(temp.secret) })).statusCode).toBe(200);
    await t.db.updateTable('api_keys').set({ expires_at: new Date(Date.now() - 1) }).where('id', '=', temp.id).execute();
    expect((await t.app.inject({ method: 'GET', url: '/v1/account', ...asKey(temp.secret) })).statusCode).toBe(401);
    const past = await t.app.inject({ method: 'POST', url: '/v1/api-keys', ...owner.caller, payload: { name: 'x', scopes: ['account:read'], expires_at: '2020-01-01T00:00:00Z' } });
    expect(json(past).error.field).toBe('expires_at');
  });

  it('answers each of many requests arriving together with its own key, whether live, revoked or unknown', async () => {
    // The keys of requests that arrive together are read in one statement: each must still get its own answer.
    const other = await createOwner(t.app, t.db, 'Other');
    const mine = await createKey(t.app, owner, ['account:read']);
    const theirs = await createKey(t.app, other, ['account:read']);
    const gone = await createKey(t.app, owner, ['account:read']);
    await t.app.inject({ method: 'DELETE', url: `/v1/api-keys/${gone.id}`, ...owner.caller });
    const callers = Array.from({ length: 60 }, (_, i) => [mine.caller, theirs.caller, gone.caller, asKey(`hrld_${'x'.repeat(43)}`)][i % 4]!);
    const answers = await Promise.all(callers.map((caller) => t.app.inject({ method: 'GET', url: '/v1/account', ...caller })));
    answers.forEach((res, i) => {
      if (i % 4 >= 2) expect(res.statusCode, `request ${i}`).toBe(401);
      else expect(json(res).id, `request ${i}`).toBe(i % 4 === 0 ? owner.accountId : other.accountId);
    });
  });
});
