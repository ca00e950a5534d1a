import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, get, getOwn, post, setActingAccount, setCsrfToken } from './api';
import { fakeApi } from './test-kit';

afterEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken(null);
  setActingAccount(null);
});

describe('the API client', () => {
  it('sends the CSRF token on changes only, and the subaccount acted on always', async () => {
    const calls = fakeApi({ 'GET /v1/contacts': { data: [] }, 'POST /v1/lists': { id: 'lst_1' } });
    setCsrfToken('csrf-1');
    setActingAccount('acct_child');
    await get('/v1/contacts');
    await post('/v1/lists', { name: 'x' });
    expect(calls[0]!.headers['x-csrf-token']).toBeUndefined();
    expect(calls[0]!.headers['herald-account']).toBe('acct_child');
    expect(calls[1]!.headers['x-csrf-token']).toBe('csrf-1');
    expect(calls[1]!.headers['content-type']).toBe('application/json');
  });

  it('reads as the user\'s own account when asked, while acting in a subaccount', async () => {
    const calls = fakeApi({ 'GET /v1/auth/session': {} });
    setActingAccount('acct_child');
    await getOwn('/v1/auth/session');
    expect(calls[0]!.headers['herald-account']).toBeUndefined();
  });

  it('turns the error body into an ApiError with code and field', async () => {
    fakeApi({ 'POST /v1/messages': () => new Response(JSON.stringify({ error: { code: 'insufficient_credit', message: 'Not enough', field: 'to' } }), { status: 402 }) });
    const error = await post('/v1/messages', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 402, code: 'insufficient_credit', field: 'to', message: 'Not enough' });
  });
});
