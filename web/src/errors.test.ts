import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, get, NETWORK_ERROR } from './api';
import { describeError, fieldLabel, SERVER_ERROR_CODES } from './errors';
import i18n from './i18n';
import { fakeApi, fromProxy } from './test-kit';

afterEach(() => vi.unstubAllGlobals());
const en = i18n.getFixedT('en');
const nl = i18n.getFixedT('nl');

describe('errors in the user\'s words', () => {
  it('translates every code the server has, never showing its English', () => {
    for (const code of SERVER_ERROR_CODES) {
      const said = describeError(new ApiError(400, code, 'the server says so in English', undefined), nl);
      expect(said, code).not.toBe('the server says so in English');
      expect(said, code).not.toContain(`errors.${code}`);
    }
    expect(describeError(new ApiError(429, 'rate_limited', 'Too many requests', undefined), nl)).toBe('Te veel pogingen; wacht even.');
  });

  it('names the field by its label on the form, and leaves out a path that is not on it', () => {
    const labels = { name: 'Name', 'phones[].number': ([i = 0]: number[]) => `Number ${i + 1}` };
    expect(fieldLabel('phones[2].number', labels)).toBe('Number 3');
    expect(describeError(new ApiError(400, 'invalid_request', 'name is required', 'name'), en, labels)).toBe('Name: this is required');
    expect(describeError(new ApiError(400, 'invalid_request', 'x is not a mobile', 'phones[0].number', 'not_mobile'), en, labels)).toBe('Number 1: this is not a mobile number');
    const elsewhere = describeError(new ApiError(400, 'invalid_request', 'to[3] is bad', 'to[3]'), en, labels);
    expect(elsewhere).not.toContain('to[3]');
  });

  it('says why a password is refused, not a number problem of the same name', () => {
    expect(describeError(new ApiError(400, 'weak_password', 'repeats', 'password', 'repetitive'), en)).toBe('This password repeats a few characters; choose one with more variety.');
    expect(describeError(new ApiError(400, 'weak_password', 'short', 'password', 'too_short'), en)).toBe('Use at least 8 characters.');
    expect(describeError(new ApiError(400, 'weak_password', 'new', 'password', 'brand_new'), en)).toBe(en('errors.weak_password'));
  });

  it('keeps the server\'s text for a code it does not know yet', () => {
    expect(describeError(new ApiError(400, 'brand_new', 'A new kind of refusal', undefined), en)).toBe('A new kind of refusal');
  });

  it('says so when Herald is out of reach or answers without an error body', async () => {
    vi.stubGlobal('fetch', async () => {
      throw new TypeError('Failed to fetch');
    });
    const offline = await get('/v1/contacts').catch((e: unknown) => e);
    expect(offline).toMatchObject({ status: 0, code: NETWORK_ERROR });
    expect(describeError(offline, en)).toBe('Herald could not be reached. Check your connection and try again.');
    expect(describeError(offline, nl)).toContain('niet bereikbaar');

    fakeApi({ 'GET /v1/contacts': () => fromProxy(new Response('<html>Bad gateway</html>', { status: 502 })) });
    const gateway = await get('/v1/contacts').catch((e: unknown) => e);
    expect(describeError(gateway, en)).toBe('Something went wrong (HTTP 502).');
    expect(describeError(gateway, i18n.getFixedT('fr'))).toBe('Un problème est survenu (HTTP 502).');
  });

  it('leaves a cancelled request a cancel, not a network error', async () => {
    const controller = new AbortController();
    vi.stubGlobal('fetch', async () => {
      controller.abort();
      throw new DOMException('aborted', 'AbortError');
    });
    const error = await get('/v1/contacts', controller.signal).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(ApiError);
  });
});
