import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, json, type TestApp } from '../helpers/app.js';
import { createOwner, type TestUser } from '../helpers/factories.js';

let t: TestApp;
let owner: TestUser;
beforeAll(async () => {
  t = await createTestApp();
  owner = await createOwner(t.app, t.db, 'Input Co');
});
afterAll(() => t.close());

describe('bad input', () => {
  const patch = (payload: string, headers: Record<string, string> = {}) =>
    t.app.inject({ method: 'PATCH', url: '/v1/account', headers: { ...owner.caller.headers, 'content-type': 'application/json', ...headers }, payload });

  it.each([
    ['a wrong type', '{"name": 42}', 'name', 'must be string'],
    ['a number in a string', '{"spending_limit": "5000", "name": "x"}', 'spending_limit', 'is not a known field'],
    ['an unknown field', '{"name": "x", "colour": "red"}', 'colour', 'is not a known field'],
    ['an empty string', '{"name": ""}', 'name', 'must NOT have fewer than 1 characters'],
    ['a bad country', '{"default_country": "Belgium"}', 'default_country', 'must match pattern'],
    ['an unknown country', '{"default_country": "XX"}', 'default_country', 'Unknown country code'],
    ['an array body', '[1,2]', 'body', 'must be a JSON object'],
  ])('refuses %s, naming the field', async (_what, payload, field, message) => {
    const res = await patch(payload);
    expect(res.statusCode).toBe(400);
    const { error } = json(res);
    expect(error.field).toBe(field);
    expect(error.message).toContain(message);
    expect(error.requestId).toBe(res.headers['x-request-id']);
  });

  it('refuses malformed JSON', async () => {
    const res = await patch('{"name": "x"');
    expect(res.statusCode).toBe(400);
    expect(json(res).error).toMatchObject({ code: 'malformed_json', field: 'body' });
  });

  it('refuses an oversized body with 413', async () => {
    const res = await patch(JSON.stringify({ name: 'x'.repeat(70_000) }));
    expect(res.statusCode).toBe(413);
    expect(json(res).error.code).toBe('payload_too_large');
  });

  it('refuses a body that is not JSON', async () => {
    const res = await patch('name=x', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(res.statusCode).toBe(415);
  });

  it('refuses prototype pollution', async () => {
    const res = await patch('{"name": "x", "__proto__": {"admin": true}}');
    expect(res.statusCode).toBe(400);
  });

  it('changes nothing when a request is refused', async () => {
    await patch('{"name": "Kept", "timezone": "Nowhere/Land"}');
    const account = json(await t.app.inject({ method: 'GET', url: '/v1/account', ...owner.caller }));
    expect(account.name).toBe('Input Co');
  });

  it('answers unknown routes with the error body', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(json(res).error.code).toBe('not_found');
  });
});

describe('operations endpoints', () => {
  it('reports health and readiness', async () => {
    expect(json(await t.app.inject({ method: 'GET', url: '/healthz' }))).toEqual({ status: 'ok' });
    expect(json(await t.app.inject({ method: 'GET', url: '/readyz' }))).toEqual({ status: 'ok', database: 'ok', connectors: [] });
  });

  it('serves Prometheus metrics with request durations', async () => {
    await t.app.inject({ method: 'GET', url: '/healthz' });
    const res = await t.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(/herald_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} \d+/);
    expect(res.body).toContain('herald_process_resident_memory_bytes');
  });

  it('publishes an OpenAPI 3.1 document with a schema for every API route, and browsable docs', async () => {
    const spec = json(await t.app.inject({ method: 'GET', url: '/openapi.json' }));
    expect(spec.openapi).toBe('3.1.0');
    const paths = Object.keys(spec.paths);
    expect(paths).toEqual(expect.arrayContaining(['/v1/auth/sign-in', '/v1/api-keys/{id}', '/v1/subaccounts', '/v1/admin/outbox']));
    for (const [path, ops] of Object.entries<Record<string, { responses?: object; summary?: string }>>(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(op.summary, `${method} ${path} has a summary`).toBeTruthy();
        expect(op.responses, `${method} ${path} has responses`).toBeTruthy();
      }
    }
    const docs = await t.app.inject({ method: 'GET', url: '/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });

  it('keeps a sane request id from the caller and makes one otherwise', async () => {
    const given = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'abc-123' } });
    expect(given.headers['x-request-id']).toBe('abc-123');
    const hostile = await t.app.inject({ method: 'GET', url: '/healthz', headers: { 'x-request-id': 'bad id\twith tabs' } });
    expect(hostile.headers['x-request-id']).toMatch(/^req_/);
  });
});
