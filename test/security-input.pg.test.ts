import type { RouteOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type Caller, type TestApp } from './helpers/app.js';
import { createKey, createOwner, type TestUser } from './helpers/factories.js';
import { setupOperator } from './helpers/operator.js';
import { fund } from './helpers/sms-world.js';

/**
 * The shared security suite for hostile text: it walks every registered
 * route and sends a NUL and a lone surrogate in each path parameter, query
 * parameter, declared header and string field of the body schema. Each must
 * answer 400 naming that field — never a 500 from PostgreSQL, which refuses
 * NUL in text and JSON, nor a pass for a string that is not Unicode.
 */

type Segment = string | number;
interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  patternProperties?: Record<string, Schema>;
  additionalProperties?: boolean | Schema;
  items?: Schema | Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
}

/** Every path in a body schema where a string may go (a string, an enum of them, or anything at all). */
function stringPaths(schema: Schema, at: Segment[] = [], out = new Map<string, Segment[]>()): Map<string, Segment[]> {
  const add = () => out.set(fieldOf(at), at);
  for (const branch of [...(schema.anyOf ?? []), ...(schema.oneOf ?? []), ...(schema.allOf ?? [])]) stringPaths(branch, at, out);
  const types = schema.type === undefined ? [] : [schema.type].flat();
  if (types.includes('string')) add();
  if (types.includes('object') || schema.properties) {
    for (const [key, value] of Object.entries(schema.properties ?? {})) stringPaths(value, [...at, key], out);
    for (const value of Object.values(schema.patternProperties ?? {})) stringPaths(value, [...at, 'any_key'], out);
    if (typeof schema.additionalProperties === 'object') stringPaths(schema.additionalProperties, [...at, 'any_key'], out);
  }
  if (types.includes('array') && schema.items) for (const item of [schema.items].flat()) stringPaths(item, [...at, 0], out);
  // Type.Unknown / Type.Any: anything, so a string too.
  if (types.length === 0 && !schema.anyOf && !schema.oneOf && !schema.allOf && at.length > 0) add();
  return out;
}

const fieldOf = (path: Segment[]) =>
  path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');

/** A body holding `value` at `path` and nothing else: the guard must name the field before validation looks at the rest. */
function bodyWith(path: Segment[], value: string): unknown {
  let body: unknown = value;
  for (const s of [...path].reverse()) body = typeof s === 'number' ? [body] : { [s]: body };
  return body;
}

/** Each hostile string, as it goes in a JSON body and as a client escapes it in a URL. */
const HOSTILE = [
  { name: 'NUL', text: 'a\u0000b', url: 'a%00b' },
  // A lone surrogate cannot be UTF-8: in a URL it arrives as the escapes of its would-be bytes.
  { name: 'lone surrogate', text: 'a\uD800b', url: 'a%ED%A0%80b' },
  { name: 'lone low surrogate', text: '\uDC00', url: '%ED%B0%80' },
] as const;

const isDocs = (url: string) => url === '/docs' || url.startsWith('/docs/');
const paramsOf = (url: string) => [...url.matchAll(/:(\w+)/g)].map((m) => m[1]!);
const fill = (url: string, params: Record<string, string>) => url.replace(/:(\w+)/g, (_, k: string) => params[k] ?? 'x');

let t: TestApp;
let operator: TestUser;
let owner: TestUser;
const routes: RouteOptions[] = [];

beforeAll(async () => {
  t = await createTestApp({ routeTable: routes });
  operator = await setupOperator(t);
  owner = await createOwner(t.app, t.db, 'Hostile Text Co');
  await fund(t, owner.accountId, 1_000_000n);
});
afterAll(() => t.close());

const apiRoutes = () =>
  routes
    .filter((r) => !isDocs(r.url))
    .flatMap((r) => [r.method].flat().filter((m) => m !== 'HEAD').map((method) => ({ method: method as 'GET', route: r })));

describe('hostile text in every route', () => {
  const counts = { routes: 0, params: 0, query: 0, headers: 0, body: 0 };
  const walked = new Set<string>();
  const failures: string[] = [];

  /** Sends one request; a wrong answer is collected, so that one run lists every route at fault. */
  async function expectRefused(what: string, field: string, request: { method: 'GET'; url: string; headers?: Record<string, string>; payload?: string }) {
    const res = await t.app.inject({ ...request, headers: { ...operator.caller.headers, ...request.headers } });
    const error = res.statusCode === 400 ? (json(res).error as { field?: string; code: string }) : null;
    if (error?.field !== field || error.code !== 'invalid_request') failures.push(`${what}: ${res.statusCode} ${res.body.slice(0, 200)}`);
  }

  it('answers 400 naming the field, for every route and every string it takes', async () => {
    for (const { method, route } of apiRoutes()) {
      counts.routes++;
      const key = `${method} ${route.url}`;
      const schema = (route.schema ?? {}) as { body?: Schema; querystring?: Schema; headers?: Schema };
      for (const bad of HOSTILE) {
        for (const param of paramsOf(route.url)) {
          if (bad === HOSTILE[0]) counts.params++;
          walked.add(`${key} :${param}`);
          await expectRefused(`${key} path ${param} (${bad.name})`, param, { method, url: fill(route.url, { [param]: bad.url }) });
        }
        for (const name of Object.keys(schema.querystring?.properties ?? {})) {
          if (bad === HOSTILE[0]) counts.query++;
          walked.add(`${key} ?${name}`);
          await expectRefused(`${key} query ${name} (${bad.name})`, name, { method, url: `${fill(route.url, {})}?${name}=${bad.url}` });
        }
        // Herald-Account is read by the auth hook of every route, before any schema.
        for (const name of [...Object.keys(schema.headers?.properties ?? {}), 'herald-account']) {
          if (bad === HOSTILE[0]) counts.headers++;
          walked.add(`${key} header ${name}`);
          await expectRefused(`${key} header ${name} (${bad.name})`, name, { method, url: fill(route.url, {}), headers: { [name]: bad.text } });
        }
        for (const [field, path] of schema.body ? stringPaths(schema.body) : []) {
          if (bad === HOSTILE[0]) counts.body++;
          walked.add(`${key} ${field}`);
          await expectRefused(`${key} body ${field} (${bad.name})`, field, {
            method, url: fill(route.url, {}), headers: { 'content-type': 'application/json' }, payload: JSON.stringify(bodyWith(path, bad.text)),
          });
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('walked the routes and fields it should, so it cannot pass by checking nothing', () => {
    // Lower bounds a little under today's numbers: adding routes raises them, losing the walk fails here.
    expect(counts.routes).toBeGreaterThanOrEqual(120);
    expect(counts.params).toBeGreaterThanOrEqual(45);
    expect(counts.query).toBeGreaterThanOrEqual(45);
    expect(counts.headers).toBeGreaterThanOrEqual(counts.routes + 2);
    expect(counts.body).toBeGreaterThanOrEqual(100);
    // The inputs of the outside review are among them.
    for (const must of [
      'POST /v1/contacts notes', 'PATCH /v1/contacts/:id notes', 'POST /v1/lists name', 'PATCH /v1/account name', 'POST /v1/users name', 'PATCH /v1/users/:id name',
      'POST /v1/subaccounts name', 'POST /v1/webhooks description', 'POST /v1/suppressions reason', 'POST /v1/messages client_reference',
      'POST /v1/messages to[0]', 'POST /v1/messages header idempotency-key', 'GET /v1/account header herald-account', 'GET /v1/contacts ?q', 'GET /v1/contacts ?tag', 'GET /v1/contacts ?cursor',
      'GET /v1/messages ?cursor', 'GET /v1/contacts/:id :id', 'GET /v1/messages/:id :id', 'POST /v1/auth/sign-in email', 'POST /v1/auth/sign-in password',
      'POST /v1/auth/forgot-password email', 'PUT /v1/admin/connectors/:connector config.any_key',
    ]) expect(walked, must).toContain(must);
  });
});

/**
 * The inputs of the outside review, each otherwise valid, so that without
 * the guard they reach PostgreSQL (which answered 500).
 */
describe('the inputs that answered 500', () => {
  const CASES: { what: string; field: string; request: (bad: string, inUrl: string) => { method: 'GET' | 'POST' | 'PATCH'; url: string; payload?: object; headers?: Record<string, string>; anonymous?: true } }[] = [
    { what: 'contact notes', field: 'notes', request: (bad) => ({ method: 'POST', url: '/v1/contacts', payload: { name: 'Notes', notes: bad, phones: [{ type: 'mobile', number: '+32475100001' }] } }) },
    { what: 'list name', field: 'name', request: (bad) => ({ method: 'POST', url: '/v1/lists', payload: { name: bad } }) },
    { what: 'account name', field: 'name', request: (bad) => ({ method: 'PATCH', url: '/v1/account', payload: { name: bad } }) },
    { what: 'invited user name', field: 'name', request: (bad) => ({ method: 'POST', url: '/v1/users', payload: { email: 'hostile.user@example.org', name: bad, role: 'member' } }) },
    { what: 'user name', field: 'name', request: (bad) => ({ method: 'PATCH', url: `/v1/users/${owner.userId}`, payload: { name: bad } }) },
    { what: 'subaccount name', field: 'name', request: (bad) => ({ method: 'POST', url: '/v1/subaccounts', payload: { name: bad, owner: { email: 'hostile.sub@example.org' } } }) },
    { what: 'webhook description', field: 'description', request: (bad) => ({ method: 'POST', url: '/v1/webhooks', payload: { url: 'https://93.184.215.14/hook', events: ['credit.low'], description: bad } }) },
    { what: 'suppression reason', field: 'reason', request: (bad) => ({ method: 'POST', url: '/v1/suppressions', payload: { number: '+32475100002', reason: bad } }) },
    { what: 'client_reference', field: 'client_reference', request: (bad) => ({ method: 'POST', url: '/v1/messages', payload: { to: ['+32475100003'], text: 'Hi', client_reference: bad } }) },
    { what: 'Idempotency-Key', field: 'idempotency-key', request: (bad) => ({ method: 'POST', url: '/v1/messages', payload: { to: ['+32475100004'], text: 'Hi' }, headers: { 'idempotency-key': bad } }) },
    { what: 'Herald-Account', field: 'herald-account', request: (bad) => ({ method: 'GET', url: '/v1/account', headers: { 'herald-account': bad } }) },
    { what: 'contact search q', field: 'q', request: (_, bad) => ({ method: 'GET', url: `/v1/contacts?q=${bad}` }) },
    { what: 'contact tag', field: 'tag', request: (_, bad) => ({ method: 'GET', url: `/v1/contacts?tag=${bad}` }) },
    { what: 'contact cursor', field: 'cursor', request: (_, bad) => ({ method: 'GET', url: `/v1/contacts?cursor=${bad}` }) },
    { what: 'messages cursor', field: 'cursor', request: (_, bad) => ({ method: 'GET', url: `/v1/messages?cursor=${bad}` }) },
    { what: 'contact id in the path', field: 'id', request: (_, bad) => ({ method: 'GET', url: `/v1/contacts/ctc_${bad}` }) },
    { what: 'message id in the path', field: 'id', request: (_, bad) => ({ method: 'GET', url: `/v1/messages/msg_${bad}` }) },
    { what: 'sign-in email', field: 'email', request: (bad) => ({ method: 'POST', url: '/v1/auth/sign-in', payload: { email: `a${bad}@example.org`, password: 'a long enough passphrase' }, anonymous: true }) },
    { what: 'sign-in password', field: 'password', request: (bad) => ({ method: 'POST', url: '/v1/auth/sign-in', payload: { email: owner.email, password: `pass${bad}phrase` }, anonymous: true }) },
    { what: 'forgot-password email', field: 'email', request: (bad) => ({ method: 'POST', url: '/v1/auth/forgot-password', payload: { email: `a${bad}@example.org` }, anonymous: true }) },
  ];

  it.each(CASES.flatMap((c) => HOSTILE.slice(0, 2).map((bad) => [c.what, bad.name, c, bad] as const)))('refuses %s with a %s', async (_what, _name, c, bad) => {
    const { anonymous, headers, ...request } = c.request(bad.text, bad.url);
    const res = await t.app.inject({ ...request, headers: { ...(anonymous ? {} : owner.caller.headers), ...headers } });
    expect(res.statusCode, res.body).toBe(400);
    expect(json(res).error).toMatchObject({ code: 'invalid_request', field: c.field, reason: 'invalid_text' });
  });

  const bulk = async (caller: Caller, lines: string[]) =>
    t.app.inject({ method: 'POST', url: '/v1/messages/bulk', headers: { ...caller.headers, 'content-type': 'application/x-ndjson' }, payload: lines.join('\n') });

  it.each(HOSTILE.slice(0, 2).map((bad) => [bad.name, bad] as const))('refuses a bulk send with a %s, naming the field or the line', async (_name, bad) => {
    const key = await createKey(t.app, owner, ['messages:write']);
    const header = await bulk(key.caller, [JSON.stringify({ text: 'Hi', client_reference: bad.text }), '"+32475100005"']);
    expect(header.statusCode, header.body).toBe(400);
    expect(json(header).error).toMatchObject({ field: 'client_reference', reason: 'invalid_text' });
    const recipient = await bulk(key.caller, [JSON.stringify({ text: 'Hi' }), '"+32475100006"', JSON.stringify({ contact: `ctc_${bad.text}` })]);
    expect(recipient.statusCode, recipient.body).toBe(400);
    expect(json(recipient).error).toMatchObject({ field: 'line 3', reason: 'invalid_text' });
  });

  it('changed nothing while refusing', async () => {
    const account = json(await t.app.inject({ method: 'GET', url: '/v1/account', ...owner.caller }));
    expect(account.name).toBe('Hostile Text Co');
    const sent = json(await t.app.inject({ method: 'GET', url: '/v1/messages', ...owner.caller }));
    expect(sent.data).toEqual([]);
  });
});
