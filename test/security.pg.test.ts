import Fastify, { type RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as accounts from '../src/modules/accounts/index.js';
import * as inbox from '../src/modules/inbox/index.js';
import * as senders from '../src/modules/senders/index.js';
import * as webhooks from '../src/modules/webhooks/index.js';
import { sql } from '../src/platform/db/index.js';
import { registerAuth } from '../src/http/auth.js';
import { createTestApp, json, type Caller, type TestApp } from './helpers/app.js';
import { createKey, createOwner, createSubaccountOwner, uniqueEmail, type TestUser } from './helpers/factories.js';
import { fund } from './helpers/sms-world.js';

/**
 * The shared security suite: it walks every registered route, so a route
 * added later is covered without anyone remembering to. Public routes must be
 * listed here on purpose; routes with ids need a fixture below.
 */
const PUBLIC = new Set([
  // The web app (src/http/pages.ts APP_PATHS) and its files.
  'GET /',
  'GET /setup',
  'GET /reset-password',
  'GET /forgot-password',
  'GET /sms',
  'GET /contacts',
  'GET /lists',
  'GET /sent',
  'GET /inbox',
  'GET /settings',
  'GET /settings/credit',
  'GET /settings/quotas',
  'GET /settings/senders',
  'GET /settings/api-keys',
  'GET /settings/webhooks',
  'GET /settings/users',
  'GET /settings/subaccounts',
  'GET /settings/profile',
  'GET /assets/*',
  'GET /healthz',
  'GET /readyz',
  'GET /metrics',
  'GET /openapi.json',
  'GET /v1/setup',
  'POST /v1/setup',
  'POST /v1/auth/sign-in',
  'POST /v1/auth/forgot-password',
  'POST /v1/auth/token-info',
  'POST /v1/auth/reset-password',
]);

interface World {
  bMessageId: string;
  a: TestUser;
  b: TestUser;
  bChild: TestUser;
  bUserId: string;
  bKeyId: string;
  bChildAccountId: string;
  bContactId: string;
  bListId: string;
  bMemberId: string;
  bImportId: string;
  bMobileId: string;
  bNameId: string;
  bInboxId: string;
  bRuleId: string;
  bEndpointId: string;
  bEventId: string;
  bDeliveryId: string;
  bIds: string[];
}

/** For each route with path parameters: a valid request aimed at account B's resources. */
const FIXTURES: Record<string, (w: World) => { params: Record<string, string>; body?: unknown }> = {
  'GET /v1/users/:id': (w) => ({ params: { id: w.bUserId } }),
  'PATCH /v1/users/:id': (w) => ({ params: { id: w.bUserId }, body: { name: 'x' } }),
  'DELETE /v1/users/:id': (w) => ({ params: { id: w.bUserId } }),
  'DELETE /v1/api-keys/:id': (w) => ({ params: { id: w.bKeyId } }),
  'GET /v1/subaccounts/:id': (w) => ({ params: { id: w.bChildAccountId } }),
  'PATCH /v1/subaccounts/:id': (w) => ({ params: { id: w.bChildAccountId }, body: { name: 'x' } }),
  'GET /v1/messages/:id': (w) => ({ params: { id: w.bMessageId } }),
  'DELETE /v1/messages/:id': (w) => ({ params: { id: w.bMessageId } }),
  'POST /v1/admin/accounts/:id/top-up': (w) => ({ params: { id: w.b.accountId }, body: { amount: 100 } }),
  'PUT /v1/admin/accounts/:id/plan': (w) => ({ params: { id: w.b.accountId }, body: { monthly_quota: 100 } }),
  'PUT /v1/admin/connectors/:connector': () => ({ params: { connector: 'stolen' }, body: { provider: 'sms-smpp', config: {} } }),
  'DELETE /v1/admin/connectors/:connector': () => ({ params: { connector: 'stolen' } }),
  'PUT /v1/admin/prices/:country': () => ({ params: { country: 'BE' }, body: { price: 0 } }),
  'GET /v1/contacts/:id': (w) => ({ params: { id: w.bContactId } }),
  'PATCH /v1/contacts/:id': (w) => ({ params: { id: w.bContactId }, body: { name: 'x' } }),
  'DELETE /v1/contacts/:id': (w) => ({ params: { id: w.bContactId } }),
  'GET /v1/lists/:id': (w) => ({ params: { id: w.bListId } }),
  'PATCH /v1/lists/:id': (w) => ({ params: { id: w.bListId }, body: { name: 'x' } }),
  'DELETE /v1/lists/:id': (w) => ({ params: { id: w.bListId } }),
  'GET /v1/lists/:id/members': (w) => ({ params: { id: w.bListId } }),
  'POST /v1/lists/:id/members': (w) => ({ params: { id: w.bListId }, body: { members: [{ number: '+32475000001' }] } }),
  'DELETE /v1/lists/:id/members/:member_id': (w) => ({ params: { id: w.bListId, member_id: w.bMemberId } }),
  'GET /v1/contact-imports/:id': (w) => ({ params: { id: w.bImportId } }),
  'POST /v1/contact-imports/:id/preview': (w) => ({ params: { id: w.bImportId }, body: {} }),
  'POST /v1/contact-imports/:id/start': (w) => ({ params: { id: w.bImportId }, body: {} }),
  'GET /v1/contact-imports/:id/errors': (w) => ({ params: { id: w.bImportId } }),
  'DELETE /v1/contact-imports/:id': (w) => ({ params: { id: w.bImportId } }),
  'GET /v1/suppressions/:number': () => ({ params: { number: B_SUPPRESSED } }),
  'DELETE /v1/suppressions/:number': () => ({ params: { number: B_SUPPRESSED } }),
  'POST /v1/senders/mobiles/:id/verify': (w) => ({ params: { id: w.bMobileId }, body: { code: '123456' } }),
  'DELETE /v1/senders/:id': (w) => ({ params: { id: w.bNameId } }),
  'PUT /v1/admin/sender-numbers/:number/account': (w) => ({ params: { number: '+32460999999' }, body: { account_id: w.a.accountId } }),
  'DELETE /v1/admin/sender-numbers/:number': () => ({ params: { number: '+32460999999' } }),
  'GET /v1/inbox/:id': (w) => ({ params: { id: w.bInboxId } }),
  'POST /v1/inbox/:id/read': (w) => ({ params: { id: w.bInboxId } }),
  'POST /v1/inbox/:id/unread': (w) => ({ params: { id: w.bInboxId } }),
  'DELETE /v1/inbox/:id': (w) => ({ params: { id: w.bInboxId } }),
  'PATCH /v1/inbox/forwarding-rules/:id': (w) => ({ params: { id: w.bRuleId }, body: { enabled: false } }),
  'DELETE /v1/inbox/forwarding-rules/:id': (w) => ({ params: { id: w.bRuleId } }),
  'GET /v1/webhooks/:id': (w) => ({ params: { id: w.bEndpointId } }),
  'PATCH /v1/webhooks/:id': (w) => ({ params: { id: w.bEndpointId }, body: { description: 'x' } }),
  'DELETE /v1/webhooks/:id': (w) => ({ params: { id: w.bEndpointId } }),
  'POST /v1/webhooks/:id/rotate-secret': (w) => ({ params: { id: w.bEndpointId } }),
  'GET /v1/webhooks/:id/deliveries': (w) => ({ params: { id: w.bEndpointId } }),
  'GET /v1/webhook-deliveries/:id': (w) => ({ params: { id: w.bDeliveryId } }),
  'GET /v1/webhook-events/:id': (w) => ({ params: { id: w.bEventId } }),
  'POST /v1/webhook-events/:id/replay': (w) => ({ params: { id: w.bEventId }, body: {} }),
};

const B_SUPPRESSED = '+32475777777';

const isDocs = (url: string) => url === '/docs' || url.startsWith('/docs/');
const fill = (url: string, params: Record<string, string>) => url.replace(/:(\w+)/g, (_, k: string) => params[k] ?? `missing-${k}`);

describe('security suite', () => {
  let t: TestApp;
  const routes: RouteOptions[] = [];
  let w: World;

  beforeAll(async () => {
    t = await createTestApp({ routeTable: routes });
    const a = await createOwner(t.app, t.db, 'Tenant A');
    const b = await createOwner(t.app, t.db, 'Tenant B');
    const bChild = await createSubaccountOwner(t.app, b, 'Tenant B child');
    const invited = await t.app.inject({ method: 'POST', url: '/v1/users', ...b.caller, payload: { email: uniqueEmail('b2'), role: 'member' } });
    const bKey = await createKey(t.app, b, ['account:read']);
    await fund(t, b.accountId, 1000n);
    const bMessage = json(await t.app.inject({ method: 'POST', url: '/v1/messages', ...b.caller, payload: { to: ['+32475999999'], text: 'B only', send_at: new Date(Date.now() + 86_400_000).toISOString() } }));
    const bMessageId = bMessage.accepted[0].id;
    const bContactId = json(await t.app.inject({ method: 'POST', url: '/v1/contacts', ...b.caller, payload: { name: 'B contact', address_book: 'shared', phones: [{ type: 'mobile', number: '+32475888888' }] } })).id;
    const bListId = json(await t.app.inject({ method: 'POST', url: '/v1/lists', ...b.caller, payload: { name: 'B list', address_book: 'shared' } })).id;
    const bMemberId = json(await t.app.inject({ method: 'POST', url: `/v1/lists/${bListId}/members`, ...b.caller, payload: { members: [{ contact: bContactId }] } })).added[0].id;
    await t.app.inject({ method: 'POST', url: '/v1/suppressions', ...b.caller, payload: { number: B_SUPPRESSED } });
    const bImportId = json(await t.app.inject({ method: 'POST', url: '/v1/contact-imports?address_book=shared', headers: { ...b.caller.headers, 'content-type': 'text/csv' }, payload: 'Name,Mobile\nB import,+32475666666\n' })).id;
    const bMobileId = (await senders.startMobileVerification(t.db, { accountId: b.accountId, userId: b.userId }, '+32475555555')).senderId.id;
    const bNameId = json(await t.app.inject({ method: 'POST', url: '/v1/senders/names', ...b.caller, payload: { name: 'BSecretName' } })).id;
    await sql`insert into sender_numbers (number, kind, account_id) values ('+3225550999', 'dedicated', ${b.accountId})`.execute(t.db);
    await inbox.storeInboundPart(t.db, { connectorId: 'sim', from: '+32475555123', to: '+3225550999', dataCoding: 0, concat: null, text: 'B secret reply', receivedAt: new Date() });
    await inbox.assembleInbound(t.db);
    const bInboxId = json(await t.app.inject({ method: 'GET', url: '/v1/inbox', ...b.caller })).data[0].id;
    const bRuleId = json(await t.app.inject({ method: 'POST', url: '/v1/inbox/forwarding-rules', ...b.caller, payload: { kind: 'email', target: 'b-forward@example.org' } })).id;
    const bEndpointId = json(await t.app.inject({ method: 'POST', url: '/v1/webhooks', ...b.caller, payload: { url: 'https://93.184.215.14/hook', events: ['credit.low'] } })).id;
    await webhooks.emitEvents(t.db, [{ accountId: b.accountId, type: 'credit.low', data: { balance: 1 } }]);
    const bEventId = json(await t.app.inject({ method: 'GET', url: '/v1/webhook-events', ...b.caller })).data[0].id;
    const bDeliveryId = json(await t.app.inject({ method: 'GET', url: `/v1/webhooks/${bEndpointId}/deliveries`, ...b.caller })).data[0].id;
    const bIds = [b.accountId, b.userId, json(invited).user.id, bKey.id, bMessageId, bMessage.batch_id, bContactId, bListId, bImportId, '+32475888888', B_SUPPRESSED,
      bMobileId, bNameId, 'BSecretName', '+32475555555', bInboxId, bRuleId, '+32475555123', 'B secret reply', 'b-forward@example.org', '+3225550999', bEndpointId, bEventId, bDeliveryId, '93.184.215.14'];
    w = { bMessageId, a, b, bChild, bUserId: json(invited).user.id, bKeyId: bKey.id, bChildAccountId: bChild.accountId, bContactId, bListId, bMemberId, bImportId, bMobileId, bNameId, bInboxId, bRuleId, bEndpointId, bEventId, bDeliveryId, bIds };
  });
  afterAll(() => t.close());

  const apiRoutes = () =>
    routes
      .filter((r) => !isDocs(r.url))
      .flatMap((r) => (Array.isArray(r.method) ? r.method : [r.method]).filter((m) => m !== 'HEAD').map((m) => ({ method: m, route: r })));

  it('finds the routes it checks', () => {
    expect(apiRoutes().length).toBeGreaterThan(20);
  });

  it('refuses to start with a route that declares no auth requirement', async () => {
    const app = Fastify();
    registerAuth(app, t.db, 1);
    expect(() => app.get('/v1/forgotten', async () => 'open')).toThrow(/declares no auth requirement/);
    await app.close();
  });

  it('lists every public route on purpose', () => {
    const open = apiRoutes()
      .filter(({ route }) => 'public' in (route.config as { auth: object }).auth)
      .map(({ method, route }) => `${method} ${route.url}`);
    expect(open.sort()).toEqual([...PUBLIC].sort());
  });

  it('answers 401 to every non-public route without credentials or with a bad key', async () => {
    for (const { method, route } of apiRoutes()) {
      if (PUBLIC.has(`${method} ${route.url}`)) continue;
      const url = fill(route.url, { id: 'acct_nothing' });
      for (const headers of [{}, { authorization: 'Bearer hrld_not-a-real-key' }, { cookie: 'herald_session=forged' }]) {
        const res = await t.app.inject({ method: method as 'GET', url, headers });
        expect(res.statusCode, `${method} ${route.url} ${JSON.stringify(headers)}`).toBe(401);
        expect(json(res).error.code).toBe('unauthenticated');
      }
    }
  });

  it('answers 404 to every route given another account\'s ids, and to a subaccount given its parent\'s', async () => {
    const withParams = apiRoutes().filter(({ route }) => route.url.includes(':'));
    expect(withParams.length).toBeGreaterThan(0);
    for (const { method, route } of withParams) {
      const key = `${method} ${route.url}`;
      const fixture = FIXTURES[key];
      expect(fixture, `add a fixture for ${key} to the security suite`).toBeDefined();
      const { params, body } = fixture!(w);
      // Operator routes refuse tenants before looking anything up.
      const expected = (route.config as { auth: { scope?: string } }).auth.scope === 'operator' ? 403 : 404;
      for (const [who, caller] of [['other tenant', w.a.caller], ['subaccount of B', w.bChild.caller]] as [string, Caller][]) {
        const res = await t.app.inject({ method: method as 'GET', url: fill(route.url, params), ...caller, ...(body !== undefined && { payload: body as object }) });
        expect(res.statusCode, `${key} as ${who}: ${res.body}`).toBe(expected);
      }
    }
  });

  it('never shows account B\'s ids in another tenant\'s or B\'s subaccount\'s answers', async () => {
    const reads = apiRoutes().filter(({ method, route }) => method === 'GET' && !route.url.includes(':') && !PUBLIC.has(`GET ${route.url}`));
    for (const { route } of reads) {
      for (const caller of [w.a.caller, w.bChild.caller]) {
        const res = await t.app.inject({ method: 'GET', url: route.url, ...caller });
        expect(res.statusCode, `GET ${route.url}: ${res.body}`).toBeLessThan(500);
        for (const id of w.bIds) expect(res.body, `GET ${route.url} leaks ${id}`).not.toContain(id);
      }
    }
  });

  it('does not let a subaccount switch into its parent or a tenant into another', async () => {
    for (const [caller, target] of [[w.bChild.caller, w.b.accountId], [w.a.caller, w.b.accountId], [w.a.caller, w.bChild.accountId]] as const) {
      const res = await t.app.inject({ method: 'GET', url: '/v1/account', headers: { ...caller.headers, 'herald-account': target } });
      expect(res.statusCode).toBe(404);
    }
  });

  it('keeps operator routes to the installation\'s own administrators', async () => {
    const operatorRoutes = apiRoutes().filter(({ route }) => (route.config as { auth: { scope?: string } }).auth.scope === 'operator');
    expect(operatorRoutes.length).toBeGreaterThan(0);
    for (const { method, route } of operatorRoutes) {
      const res = await t.app.inject({ method: method as 'GET', url: route.url, ...w.a.caller });
      expect(res.statusCode, `${method} ${route.url}`).toBe(403);
    }
  });

  it('refuses API keys in the URL', async () => {
    const key = await createKey(t.app, w.a, ['account:read']);
    const res = await t.app.inject({ method: 'GET', url: `/v1/account?api_key=${key.secret}` });
    expect(res.statusCode).toBe(400);
    expect(json(res).error.field).toBe('query');
  });

  it('ties a new account to nothing but the authenticated principal', async () => {
    // The account acted on never comes from the body: a stray account_id is an unknown field.
    const res = await t.app.inject({ method: 'PATCH', url: '/v1/account', ...w.a.caller, payload: { name: 'x', account_id: w.b.accountId } });
    expect(res.statusCode).toBe(400);
    expect(json(res).error.field).toBe('account_id');
    const b = await accounts.getAccount(t.db, { accountId: w.b.accountId } as accounts.Principal);
    expect(b.name).toBe('Tenant B');
  });
});
