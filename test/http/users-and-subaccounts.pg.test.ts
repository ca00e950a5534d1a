import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as mail from '../../src/modules/mail/index.js';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { activate, createKey, createMember, createOwner, uniqueEmail, type TestUser } from '../helpers/factories.js';

let t: TestApp;
let owner: TestUser;
beforeAll(async () => {
  t = await createTestApp();
  owner = await createOwner(t.app, t.db, 'Parent Co');
});
afterAll(() => t.close());

describe('users', () => {
  it('invites by email; the invitee chooses a password with the link', async () => {
    const email = uniqueEmail('invitee');
    const res = await t.app.inject({ method: 'POST', url: '/v1/users', ...owner.caller, payload: { email, name: 'Ines', role: 'admin' } });
    expect(res.statusCode).toBe(201);
    expect(json(res).user).toMatchObject({ email, role: 'admin', status: 'invited' });
    const [sent] = await mail.listOutbox(t.db, { to: email, limit: 1 }, { revealLiveTokens: true });
    expect(sent!.subject).toContain('Parent Co');
    expect(sent!.text_body).toContain(json(res).invitation_link);
    const invitee = await activate(t.app, json(res).invitation_link);
    expect(invitee.accountId).toBe(owner.accountId);
    const dup = await t.app.inject({ method: 'POST', url: '/v1/users', ...owner.caller, payload: { email: email.toUpperCase(), role: 'member' } });
    expect(dup.statusCode).toBe(409);
    expect(json(dup).error.field).toBe('email');
  });

  it('keeps roles in order: members cannot manage, admins cannot make owners, the last owner stays', async () => {
    const member = await createMember(t.app, owner, 'member');
    const admin = await createMember(t.app, owner, 'admin');
    expect((await t.app.inject({ method: 'POST', url: '/v1/users', ...member.caller, payload: { email: uniqueEmail(), role: 'member' } })).statusCode).toBe(403);
    const promote = await t.app.inject({ method: 'PATCH', url: `/v1/users/${member.userId}`, ...admin.caller, payload: { role: 'owner' } });
    expect(promote.statusCode).toBe(403);
    expect(json(promote).error.field).toBe('role');
    const demoteSelf = await t.app.inject({ method: 'PATCH', url: `/v1/users/${owner.userId}`, ...owner.caller, payload: { role: 'admin' } });
    expect(demoteSelf.statusCode).toBe(409);
    const disable = await t.app.inject({ method: 'PATCH', url: `/v1/users/${member.userId}`, ...admin.caller, payload: { disabled: true } });
    expect(json(disable).status).toBe('disabled');
    expect((await t.app.inject({ method: 'GET', url: '/v1/me', ...member.caller })).statusCode).toBe(401);
    expect((await t.app.inject({ method: 'DELETE', url: `/v1/users/${member.userId}`, ...admin.caller })).statusCode).toBe(204);
    expect((await t.app.inject({ method: 'GET', url: `/v1/users/${member.userId}`, ...admin.caller })).statusCode).toBe(404);
  });

  it('lets a user set their own profile', async () => {
    const res = await t.app.inject({ method: 'PATCH', url: '/v1/me', ...owner.caller, payload: { locale: 'nl', timezone: 'Europe/Brussels', name: 'Owen' } });
    expect(json(res)).toMatchObject({ locale: 'nl', timezone: 'Europe/Brussels', name: 'Owen' });
    const bad = await t.app.inject({ method: 'PATCH', url: '/v1/me', ...owner.caller, payload: { timezone: 'Mars/Olympus' } });
    expect(bad.statusCode).toBe(400);
    expect(json(bad).error).toMatchObject({ field: 'timezone' });
  });

  it('keeps the user\'s own mobile in international format, refusing national and fixed numbers', async () => {
    const set = await t.app.inject({ method: 'PATCH', url: '/v1/me', ...owner.caller, payload: { mobile: '+32 475 12 34 56' } });
    expect(json(set)).toMatchObject({ mobile: '+32475123456' });
    const refusals = [['0475 12 34 56', /international format/, 'unknown_country_code'], ['+3222222222', /not a mobile/, 'not_mobile'], ['+032475123456', /zero before the country code/, 'zero_before_country_code']] as const;
    for (const [mobile, message, code] of refusals) {
      const bad = await t.app.inject({ method: 'PATCH', url: '/v1/me', ...owner.caller, payload: { mobile } });
      expect(bad.statusCode).toBe(400);
      expect(json(bad).error).toMatchObject({ field: 'mobile', reason: code, message: expect.stringMatching(message) });
    }
    expect(json(await t.app.inject({ method: 'GET', url: '/v1/me', ...owner.caller })).mobile).toBe('+32475123456');
    expect(json(await t.app.inject({ method: 'PATCH', url: '/v1/me', ...owner.caller, payload: { mobile: null } })).mobile).toBeNull();
  });
});

describe('subaccounts', () => {
  it('has its own users and keys, a limit set by the parent, and never sees the parent', async () => {
    const res = await t.app.inject({
      method: 'POST',
      url: '/v1/subaccounts',
      ...owner.caller,
      payload: { name: 'Shop', spending_limit: 5000, owner: { email: uniqueEmail('shop'), name: 'Sam' } },
    });
    expect(res.statusCode).toBe(201);
    const created = json(res);
    expect(created.subaccount).toMatchObject({ name: 'Shop', spending_limit: 5000, default_country: 'BE' });
    const child = await activate(t.app, created.invitation_link);
    expect(child.accountId).toBe(created.subaccount.id);
    await createKey(t.app, child, ['account:read']);

    const seen = json(await t.app.inject({ method: 'GET', url: `/v1/subaccounts/${child.accountId}`, ...owner.caller }));
    expect(seen.usage).toMatchObject({ users: 1, active_api_keys: 1, spent_this_month: 0 });
    const limited = await t.app.inject({ method: 'PATCH', url: `/v1/subaccounts/${child.accountId}`, ...owner.caller, payload: { spending_limit: null } });
    expect(json(limited).spending_limit).toBeNull();

    // The child cannot change its own limit: it is not its own parent.
    expect((await t.app.inject({ method: 'PATCH', url: `/v1/subaccounts/${child.accountId}`, ...child.caller, payload: { spending_limit: 1 } })).statusCode).toBe(404);
    const own = json(await t.app.inject({ method: 'GET', url: '/v1/account', ...child.caller }));
    expect(JSON.stringify(own)).not.toContain(owner.accountId);
    expect(json(await t.app.inject({ method: 'GET', url: '/v1/users', ...child.caller })).data).toHaveLength(1);

    // The parent's administrators can act in the child (the account switcher).
    const switched = await t.app.inject({ method: 'GET', url: '/v1/users', headers: { ...owner.caller.headers, 'herald-account': child.accountId } });
    expect(json(switched).data.map((u: { id: string }) => u.id)).toEqual([child.userId]);
    const member = await createMember(t.app, owner, 'member');
    const memberSwitch = await t.app.inject({ method: 'GET', url: '/v1/users', headers: { ...member.caller.headers, 'herald-account': child.accountId } });
    expect(memberSwitch.statusCode).toBe(404);
  });

  it('leaves nothing behind when the owner\'s email is refused', async () => {
    const before = await t.db.selectFrom('accounts').select('id').execute();
    const res = await t.app.inject({ method: 'POST', url: '/v1/subaccounts', ...owner.caller, payload: { name: 'Bad', owner: { email: 'not-an-email' } } });
    expect(res.statusCode).toBe(400);
    expect(json(res).error.field).toBe('email');
    const taken = await t.app.inject({ method: 'POST', url: '/v1/subaccounts', ...owner.caller, payload: { name: 'Dup', owner: { email: owner.email } } });
    expect(taken.statusCode).toBe(409);
    expect(await t.db.selectFrom('accounts').select('id').execute()).toHaveLength(before.length);
  });
});
