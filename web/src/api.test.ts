import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, get, getOwn, post, setActingAccount, setCsrfToken } from './api';
import { apiError, fakeApi, sessionFor } from './test-kit';

afterEach(() => {
  vi.unstubAllGlobals();
  setCsrfToken(null);
  setActingAccount(null);
});

const LIST = { id: 'lst_1', address_book: 'personal', name: 'x', description: null, members: 0, created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z' };

describe('the API client', () => {
  it('sends the CSRF token on changes only, and the subaccount acted on always', async () => {
    const calls = fakeApi({ 'GET /v1/contacts': { data: [], next_cursor: null }, 'POST /v1/lists': LIST });
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
    const calls = fakeApi({ 'GET /v1/auth/session': sessionFor().session });
    setActingAccount('acct_child');
    await getOwn('/v1/auth/session');
    expect(calls[0]!.headers['herald-account']).toBeUndefined();
  });

  it('turns the error body into an ApiError with code and field', async () => {
    fakeApi({ 'POST /v1/messages': () => apiError(402, 'insufficient_credit', 'Not enough', { field: 'to' }) });
    const error = await post('/v1/messages', { to: ['+32475000001'], text: 'Hi' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ status: 402, code: 'insufficient_credit', field: 'to', message: 'Not enough' });
  });
});
