import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuthRequirement } from '../src/http/auth.js';
import { createTestApp, json, type Caller, type TestApp } from './helpers/app.js';
import { activate, createKey, createMember, createOwner, uniqueEmail, type TestUser } from './helpers/factories.js';
import { setupOperator } from './helpers/operator.js';

/**
 * "A leaked key cannot mint more": every route that creates a person or a
 * credential refuses API keys, or caps what it grants at the caller's own
 * role. The route table is walked, so a new route under these paths fails
 * here until it is classified below.
 */
const MINTS_SESSION_ONLY = new Set([
  'POST /v1/users', // an invitation: a person with a link to set their password
  'PATCH /v1/users/:id', // role changes, disabling
  'DELETE /v1/users/:id',
  'GET /v1/api-keys',
  'POST /v1/api-keys',
  'DELETE /v1/api-keys/:id',
  'POST /v1/subaccounts', // its owner is a new person
  'POST /v1/auth/password',
]);
/** Public routes that create a person or set a password, each with a one-time token of its own. */
const MINTS_WITH_TOKEN = new Set(['POST /v1/setup', 'POST /v1/auth/reset-password']);
/** Routes under the same paths that create no person and no credential. */
const NOT_MINTING = new Set([
  'PATCH /v1/subaccounts/:id',
  'POST /v1/auth/sign-in',
  'POST /v1/auth/sign-out',
  'POST /v1/auth/forgot-password',
  'POST /v1/auth/token-info',
  'PATCH /v1/me',
]);
const PEOPLE_AND_CREDENTIALS = /^\/v1\/(users|api-keys|subaccounts|auth|setup|me|invitations|keys|tokens|sessions)(\/|$)/;

describe('credentials never mint more powerful ones', () => {
  let t: TestApp;
  const routes: RouteOptions[] = [];
  let op: TestUser;
  let allScopesKey: Caller;

  beforeAll(async () => {
    t = await createTestApp({ routeTable: routes });
    op = await setupOperator(t);
    allScopesKey = (await createKey(t.app, op, ['account:read', 'account:write', 'messages:read', 'messages:write', 'contacts:read', 'contacts:write', 'credit:read', 'operator'])).caller;
  });
  afterAll(() => t.close());

  const call = (caller: Caller, method: string, url: string, payload?: object) =>
    t.app.inject({ method: method as 'POST', url, ...caller, ...(payload && { payload }) });

  it('classifies every route that could create a person or a credential', () => {
    const seen = routes
      .flatMap((r) => (Array.isArray(r.method) ? r.method : [r.method]).filter((m) => m !== 'HEAD').map((m) => ({ key: `${m} ${r.url}`, route: r })))
      .filter(({ key, route }) => PEOPLE_AND_CREDENTIALS.test(route.url) && !key.startsWith('GET ') || MINTS_SESSION_ONLY.has(key));
    expect(seen.length).toBeGreaterThan(8);
    for (const { key, route } of seen) {
      const auth = (route.config as { auth: AuthRequirement }).auth;
      if (MINTS_SESSION_ONLY.has(key)) expect({ key, auth }).toEqual({ key, auth: expect.objectContaining({ sessionOnly: true }) });
      else if (MINTS_WITH_TOKEN.has(key)) expect({ key, auth }).toEqual({ key, auth: { public: true } });
      else expect({ key, classified: NOT_MINTING.has(key) }).toEqual({ key, classified: true });
    }
  });

  it('refuses an API key with every scope on each route that mints', async () => {
    const me = json(await call(op.caller, 'GET', '/v1/users')).data[0].id as string;
    const keyId = json(await call(op.caller, 'GET', '/v1/api-keys')).data[0].id as string;
    const bodies: Record<string, [string, object | undefined]> = {
      'POST /v1/users': ['/v1/users', { email: uniqueEmail('k'), role: 'member' }],
      'PATCH /v1/users/:id': [`/v1/users/${me}`, { role: 'admin' }],
      'DELETE /v1/users/:id': [`/v1/users/${me}`, undefined],
      'GET /v1/api-keys': ['/v1/api-keys', undefined],
      'POST /v1/api-keys': ['/v1/api-keys', { name: 'more', scopes: ['operator'] }],
      'DELETE /v1/api-keys/:id': [`/v1/api-keys/${keyId}`, undefined],
      'POST /v1/subaccounts': ['/v1/subaccounts', { name: 'Child', owner: { email: uniqueEmail('c') } }],
      'POST /v1/auth/password': ['/v1/auth/password', { current_password: 'whatever long', new_password: 'another long one' }],
    };
    expect(Object.keys(bodies).sort()).toEqual([...MINTS_SESSION_ONLY].sort());
    for (const [key, [url, body]] of Object.entries(bodies)) {
      const res = await call(allScopesKey, key.split(' ')[0]!, url, body);
      expect({ key, status: res.statusCode }).toEqual({ key, status: 403 });
    }
  });

  it('the review\'s exploit: an API key cannot invite an admin and so reach an operator session', async () => {
    const key = await createKey(t.app, op, ['account:write']);
    const email = uniqueEmail('mint');
    const invite = await call(key.caller, 'POST', '/v1/users', { email, role: 'admin' });
    expect(invite.statusCode).toBe(403);
    expect(invite.body).not.toContain('reset-password');
    const users = json(await call(op.caller, 'GET', '/v1/users')).data as { email: string }[];
    expect(users.map((u) => u.email)).not.toContain(email);
    // Nor through a subaccount, whose owner would be a new person too.
    expect((await call(key.caller, 'POST', '/v1/subaccounts', { name: 'Mint', owner: { email: uniqueEmail('mint') } })).statusCode).toBe(403);
  });

  it('gives `operator` to owners of the operator account only, and nobody grants above their own role', async () => {
    const admin = await createMember(t.app, op, 'admin');
    const session = json(await call(admin.caller, 'GET', '/v1/auth/session'));
    expect(session.scopes).not.toContain('operator');
    // An admin's invitation and promotion stop at admin.
    expect((await call(admin.caller, 'POST', '/v1/users', { email: uniqueEmail('o'), role: 'owner' })).statusCode).toBe(403);
    const invited = await call(admin.caller, 'POST', '/v1/users', { email: uniqueEmail('a'), role: 'admin' });
    expect(invited.statusCode).toBe(201);
    const member = await createMember(t.app, op, 'member');
    expect((await call(admin.caller, 'PATCH', `/v1/users/${member.userId}`, { role: 'owner' })).statusCode).toBe(403);
    expect((await call(admin.caller, 'PATCH', `/v1/users/${member.userId}`, { role: 'admin' })).statusCode).toBe(200);
    // The admin's link gives an admin session without the operator scope.
    const promoted = await activate(t.app, json(invited).invitation_link);
    expect(json(await call(promoted.caller, 'GET', '/v1/auth/session')).scopes).not.toContain('operator');
    expect((await call(promoted.caller, 'POST', '/v1/api-keys', { name: 'op', scopes: ['operator'] })).statusCode).toBe(403);
    expect((await call(admin.caller, 'GET', '/v1/admin/outbox')).statusCode).toBe(403);
    expect((await call(op.caller, 'GET', '/v1/admin/outbox')).statusCode).toBe(200);
  });

  it('never lets a key do more than its creator may do now', async () => {
    const second = await createMember(t.app, op, 'admin');
    expect((await call(op.caller, 'PATCH', `/v1/users/${second.userId}`, { role: 'owner' })).statusCode).toBe(200);
    // A session reads its user's role on each request: the promotion counts at once.
    const opKey = await createKey(t.app, second, ['account:read', 'account:write', 'operator']);
    expect((await call(opKey.caller, 'GET', '/v1/admin/outbox')).statusCode).toBe(200);
    // Demoted to member: the key keeps only what a member may do.
    expect((await call(op.caller, 'PATCH', `/v1/users/${second.userId}`, { role: 'member' })).statusCode).toBe(200);
    expect((await call(opKey.caller, 'GET', '/v1/admin/outbox')).statusCode).toBe(403);
    expect((await call(opKey.caller, 'PATCH', '/v1/account', { name: 'Renamed' })).statusCode).toBe(403);
    expect((await call(opKey.caller, 'GET', '/v1/account')).statusCode).toBe(200);
  });

  it('lets only an owner disable an owner', async () => {
    const owner = await createOwner(t.app, t.db, 'Two owners');
    const admin = await createMember(t.app, owner, 'admin');
    const second = await createMember(t.app, owner, 'member');
    expect((await call(owner.caller, 'PATCH', `/v1/users/${second.userId}`, { role: 'owner' })).statusCode).toBe(200);
    const refused = await call(admin.caller, 'PATCH', `/v1/users/${second.userId}`, { disabled: true });
    expect(refused.statusCode).toBe(403);
    expect(json(refused).error.field).toBe('disabled');
    expect(json(await call(owner.caller, 'GET', `/v1/users/${second.userId}`)).status).toBe('active');
    expect((await call(owner.caller, 'PATCH', `/v1/users/${second.userId}`, { disabled: true })).statusCode).toBe(200);
  });

  it('suspends the API keys of a disabled person until they are enabled, and revokes those of a removed one', async () => {
    const owner = await createOwner(t.app, t.db, 'Keys');
    const admin = await createMember(t.app, owner, 'admin');
    const key = await createKey(t.app, admin, ['account:read']);
    expect((await call(key.caller, 'GET', '/v1/account')).statusCode).toBe(200);

    expect((await call(owner.caller, 'PATCH', `/v1/users/${admin.userId}`, { disabled: true })).statusCode).toBe(200);
    expect((await call(key.caller, 'GET', '/v1/account')).statusCode).toBe(401);
    const listed = json(await call(owner.caller, 'GET', '/v1/api-keys')).data.find((k: { id: string }) => k.id === key.id);
    expect(listed).toMatchObject({ suspended: true, revoked_at: null });

    expect((await call(owner.caller, 'PATCH', `/v1/users/${admin.userId}`, { disabled: false })).statusCode).toBe(200);
    expect((await call(key.caller, 'GET', '/v1/account')).statusCode).toBe(200);
    expect(json(await call(owner.caller, 'GET', '/v1/api-keys')).data.find((k: { id: string }) => k.id === key.id)).toMatchObject({ suspended: false });

    expect((await call(owner.caller, 'DELETE', `/v1/users/${admin.userId}`)).statusCode).toBe(204);
    expect((await call(key.caller, 'GET', '/v1/account')).statusCode).toBe(401);
    expect(json(await call(owner.caller, 'GET', '/v1/api-keys')).data.find((k: { id: string }) => k.id === key.id).revoked_at).not.toBeNull();
  });
});
