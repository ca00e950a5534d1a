import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, get, NETWORK_ERROR } from './api';
import { describeError, fieldLabel, SERVER_ERROR_CODES, splitError } from './errors';
import i18n from './i18n';
import { fakeApi, fromProxy } from './test-kit';

afterEach(() => vi.unstubAllGlobals());
const en = i18n.getFixedT('en');
const nl = i18n.getFixedT('nl');

describe('errors in the user\'s words', () => {
  it('translates every code the server has, never showing its English but for a vague code\'s own sentence', () => {
    for (const code of SERVER_ERROR_CODES.filter((c) => c !== 'invalid_request' && c !== 'conflict')) {
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

  it.each([
    ['en', 'This time has already passed', 'you have 2 more tries', 'you have 1 more try', 'The message needs 12 parts; this account sends at most 10'],
    ['nl', 'Dit tijdstip is al voorbij', 'u hebt nog 2 pogingen', 'u hebt nog 1 poging', 'Het bericht heeft 12 delen nodig; dit account verstuurt er hoogstens 10'],
    ['de', 'Dieser Zeitpunkt ist schon vorbei', 'Sie haben noch 2 Versuche', 'Sie haben noch 1 Versuch', 'Die Nachricht braucht 12 Teile; dieses Konto sendet höchstens 10'],
    ['fr', 'Ce moment est déjà passé', 'il vous reste 2 essais', 'il vous reste 1 essai', 'Le message demande 12 parties ; ce compte en envoie 10 au plus'],
  ])('in %s, says the server\'s reason with the numbers it gives', (lang, past, two, one, parts) => {
    const t = i18n.getFixedT(lang);
    expect(describeError(new ApiError(400, 'invalid_request', 'is in the past', 'send_at', 'send_at_past'), t)).toContain(past);
    expect(describeError(new ApiError(400, 'invalid_request', 'The code is wrong; 2 attempts left', 'code', 'code_wrong', { attempts_left: 2 }), t)).toContain(two);
    expect(describeError(new ApiError(400, 'invalid_request', 'The code is wrong; 1 attempt left', 'code', 'code_wrong', { attempts_left: 1 }), t)).toContain(one);
    expect(describeError(new ApiError(400, 'invalid_request', 'Text needs 12 SMS parts; the limit is 10', 'text', 'too_many_parts', { parts: 12, max: 10 }), t)).toContain(parts);
    const shared = describeError(new ApiError(400, 'invalid_request', 'A shared list can hold only contacts of the shared address book', 'members[0].contact', 'shared_list_personal_contact'), t);
    expect(shared).toBe(t('reasons.shared_list_personal_contact'));
    expect(shared).not.toBe(t('errors.invalid_request'));
  });

  it('tells a number\'s too_long from a name\'s by the field it names', () => {
    expect(describeError(new ApiError(400, 'invalid_request', 'x', 'phones[0].number', 'too_long'), en)).toBe('the number is too long');
    expect(describeError(new ApiError(400, 'invalid_request', 'x', 'name', 'too_long'), en)).toBe('this is too long');
    expect(describeError(new ApiError(400, 'invalid_request', 'x', 'members[1].email', 'not_an_email'), en)).toBe('this is not an email address');
  });

  it('keeps the server\'s own sentence for a reason it does not know, never the generic "not valid"', () => {
    const unknown = new ApiError(400, 'invalid_request', 'send_at must match format "date-time"', 'send_at');
    expect(describeError(unknown, nl)).toBe('must match format "date-time"');
    expect(describeError(unknown, nl, { send_at: 'Tijdstip' })).toBe('Tijdstip: must match format "date-time"');
    expect(describeError(new ApiError(409, 'conflict', 'An account has at most 10 webhook endpoints', undefined), en)).toBe('An account has at most 10 webhook endpoints');
    expect(describeError(new ApiError(400, 'invalid_request', 'Text needs 2 parts', 'text', 'brand_new'), en)).toBe('Text needs 2 parts');
  });

  it('puts the reason beside the field it names, and above the form only when no field there is named', () => {
    const error = new ApiError(400, 'invalid_request', '+32 4 is too short', 'members[0].number', 'too_short');
    const onForm = splitError(error, en, ['name', 'members[].number']);
    expect(onForm.at('members[].number')).toBe('The number is too short');
    expect(onForm.at('name')).toBeNull();
    expect(onForm.rest).toBeNull();
    const elsewhere = splitError(error, en, ['name']);
    expect(elsewhere.at('name')).toBeNull();
    expect(elsewhere.rest).toBe(error);
    expect(splitError(new ApiError(403, 'forbidden', 'no', undefined), en, ['name']).rest).toBeInstanceOf(ApiError);
  });
});

