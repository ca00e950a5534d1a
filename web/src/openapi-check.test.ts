import { render, screen, waitFor } from '@testing-library/react';
import { createElement } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { del, get, patch, post } from './api';
import { Contacts } from './pages/contacts';
import { apiError, fakeApi, takeFakeProblems } from './test-kit';

// The fake API keeps to the OpenAPI spec: these fakes stray on purpose and the
// problems they leave are taken here, so test-setup does not fail the test on them.

afterEach(() => vi.unstubAllGlobals());

const AT = '2026-10-01T09:00:00Z';
const contact = (over: Record<string, unknown> = {}) => ({
  id: 'ctc_1', address_book: 'personal', name: 'Alice', organisation: null, phones: [], emails: [], notes: null, tags: [], created_at: AT, updated_at: AT, ...over,
});
const list = (over: Record<string, unknown> = {}) => ({ data: [contact(over)], next_cursor: null });
const WEBHOOK_EVENT = {
  id: 'evt_1', type: 'message.delivered', created_at: AT, deliveries: [],
  payload: { type: 'message.delivered', timestamp: AT, data: { id: 'msg_1', anything: { the: 'event has' } } },
};

/** What the fake found wrong with one call that answered `answer`. */
async function problemsOf(routes: Record<string, unknown>, call: () => Promise<unknown>): Promise<string[]> {
  fakeApi(routes);
  await call().catch(() => undefined);
  return takeFakeProblems();
}

describe('the fake API', () => {
  it('takes answers and requests as the API describes them, optional and nullable fields and open objects included', async () => {
    expect(await problemsOf({ 'GET /v1/contacts': list({ organisation: 'Acme', notes: null }) }, () => get('/v1/contacts?q=ali&limit=20'))).toEqual([]);
    expect(await problemsOf({ 'GET /v1/webhook-events/evt_1': WEBHOOK_EVENT }, () => get('/v1/webhook-events/evt_1'))).toEqual([]);
    expect(await problemsOf({ 'POST /v1/contacts': contact() }, () => post('/v1/contacts', { name: 'Alice' }))).toEqual([]);
    expect(await problemsOf({ 'DELETE /v1/contacts/ctc_1': undefined }, () => del('/v1/contacts/ctc_1'))).toEqual([]);
    expect(await problemsOf({ 'PATCH /v1/contacts/ctc_1': () => apiError(404, 'not_found', 'No contact ctc_1') }, () => patch('/v1/contacts/ctc_1', { name: 'B' }))).toEqual([]);
  });

  it('routes as the server does: a literal path before a template, per method', async () => {
    // The export, not the contact {id} = "export" (which answers JSON).
    const csv = () => new Response('Name\r\n', { headers: { 'content-type': 'text/csv' } });
    expect(await problemsOf({ 'GET /v1/contacts/export': csv }, () => fetch('/v1/contacts/export?format=csv'))).toEqual([]);
    // /v1/webhooks/callback-secret has no DELETE; /v1/webhooks/{id} has.
    expect(await problemsOf({ 'DELETE /v1/webhooks/callback-secret': undefined }, () => del('/v1/webhooks/callback-secret'))).toEqual([]);
  });

  it('refuses an answer with a field renamed, missing, of the wrong type, or one the API does not have', async () => {
    const { name: _, ...nameless } = contact();
    expect(await problemsOf({ 'GET /v1/contacts': { data: [{ ...nameless, full_name: 'Alice' }], next_cursor: null } }, () => get('/v1/contacts'))).toEqual([
      expect.stringMatching(/GET \/v1\/contacts 200: .*\/data\/0 must have required property 'name'.*\/data\/0 has "full_name", which the API does not have/),
    ]);
    expect((await problemsOf({ 'GET /v1/contacts': list({ tags: 'vip' }) }, () => get('/v1/contacts')))[0]).toMatch(/\/data\/0\/tags must be array/);
    expect((await problemsOf({ 'GET /v1/contacts': list({ created_at: '' }) }, () => get('/v1/contacts')))[0]).toMatch(/\/data\/0\/created_at must match format "date-time"/);
    // Parts joined by allOf (the key and its one-time secret) are one object: nothing beside them.
    const key = { id: 'key_1', name: 'CI', prefix: 'hrld_ab', scopes: [], created_at: AT, expires_at: null, last_used_at: null, revoked_at: null, suspended: false, secret: 'hrld_x' };
    expect(await problemsOf({ 'POST /v1/api-keys': key }, () => post('/v1/api-keys', { name: 'CI', scopes: ['messages:read'] }))).toEqual([]);
    expect((await problemsOf({ 'POST /v1/api-keys': { ...key, token: 'x' } }, () => post('/v1/api-keys', { name: 'CI', scopes: ['messages:read'] })))[0]).toMatch(/has "token"/);
  });

  it('refuses an error body without its request id, a status the route never answers, and a body on a 204', async () => {
    const bare = () => new Response(JSON.stringify({ error: { code: 'invalid_request', message: 'no' } }), { status: 400, headers: { 'content-type': 'application/json' } });
    expect((await problemsOf({ 'POST /v1/contacts': bare }, () => post('/v1/contacts', { name: 'A' })))[0]).toMatch(/400: \/error must have required property 'requestId'/);
    expect((await problemsOf({ 'POST /v1/contacts': () => apiError(418, 'teapot', 'no') }, () => post('/v1/contacts', { name: 'A' })))[0]).toMatch(/answers 418, which the API does not declare/);
    expect((await problemsOf({ 'DELETE /v1/contacts/ctc_1': { ok: true } }, () => del('/v1/contacts/ctc_1')))[0]).toMatch(/a 204 has no body/);
  });

  it('refuses a request the server would refuse or ignore: wrong body, unknown query parameter, unknown route or method', async () => {
    expect((await problemsOf({ 'POST /v1/contacts': contact() }, () => post('/v1/contacts', { fullName: 'Alice' })))[0]).toMatch(/request body: .*required property 'name'.*has "fullName"/);
    expect((await problemsOf({ 'GET /v1/contacts': list() }, () => get('/v1/contacts?search=ali')))[0]).toMatch(/query parameter "search" is not in the API/);
    expect((await problemsOf({ 'GET /v1/contacts': list() }, () => get('/v1/contacts?limit=5000')))[0]).toMatch(/query parameter "limit"="5000" .*must be <= 200/);
    expect((await problemsOf({}, () => get('/v1/contacts')))[0]).toMatch(/the test has no fake for it/);
    expect(() => fakeApi({ 'GET /v1/address-book': list() })).toThrow(/no such path in the API/);
    expect(() => fakeApi({ 'PUT /v1/contacts/ctc_1': contact() })).toThrow(/has no PUT/);
  });

  it('fails a page test whose fake has drifted, even where the page shrugs the error off', async () => {
    // The contact as an older server named its numbers: the page still renders the name.
    fakeApi({ 'GET /v1/contacts': { data: [{ ...contact(), phones: undefined, numbers: [] }], next_cursor: null } });
    render(createElement(Contacts));
    await waitFor(() => expect(screen.queryByText('Alice') ?? screen.queryByRole('alert')).toBeTruthy());
    expect(takeFakeProblems()).toEqual([expect.stringMatching(/required property 'phones'.*has "numbers"/)]);
  });
});
