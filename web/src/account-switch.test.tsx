import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setActingAccount, setCsrfToken } from './api';
import { App } from './App';
import { navigate } from './router';
import { fakeApi } from './test-kit';

// Switching into a subaccount, refreshing the session, reloading and switching back,
// against a fake that answers as Herald does: with Herald-Account set, the session
// names that account and /v1/subaccounts lists that account's own subaccounts.

const STORED = 'herald.acting-account';
const account = (id: string, name: string) => ({
  id, name, default_country: 'BE', timezone: 'Europe/Brussels', spending_limit: null, currency: 'EUR', sms_max_parts: 10, allowed_countries: null, is_operator: false, created_at: '2026-01-01T00:00:00Z',
});
const OWN = account('acct_1', 'Acme');
const BRANCH = account('acct_2', 'Branch');
const SHOP = account('acct_3', 'Shop');
const ACCOUNTS: Record<string, ReturnType<typeof account>> = { acct_1: OWN, acct_2: BRANCH, acct_3: SHOP };
const CHILDREN: Record<string, ReturnType<typeof account>[]> = { acct_1: [BRANCH, SHOP], acct_2: [], acct_3: [] };
const USER = { id: 'usr_1', account_id: 'acct_1', email: 'olivia@example.com', name: 'Olivia', role: 'owner', locale: 'en', timezone: null, mobile: null, status: 'active', created_at: '2026-01-01T00:00:00Z' };
const SCOPES = ['account:read', 'account:write', 'messages:read', 'messages:write'];

// Generous: a busy machine delays these waits, it never flips them.
const SLOW = { timeout: 10_000 };
/** Each test waits several times; the web project's default 5 s is too short for a loaded machine. */
const TEST_TIMEOUT = 60_000;

const actedOn = (init: RequestInit) => (init.headers as Record<string, string> | undefined)?.['herald-account'] ?? 'acct_1';

function fakeHerald() {
  return fakeApi({
    'GET /v1/auth/session': (_url: string, init: RequestInit) => ({ user: USER, account: ACCOUNTS[actedOn(init)], csrf_token: 'csrf-1', scopes: SCOPES }),
    'GET /v1/subaccounts': (_url: string, init: RequestInit) => ({ data: CHILDREN[actedOn(init)] }),
    'GET /v1/inbox/unread-count': { unread: 0 },
    // The pages opened on the way.
    'GET /v1/inbox': { data: [], next_cursor: null, unread_count: 0 },
    'GET /v1/inbox/forwarding-rules': { data: [] },
    'GET /v1/messages': { data: [], next_cursor: null },
    'PATCH /v1/me': USER,
  });
}

type Calls = ReturnType<typeof fakeApi>;
const sentAs = (calls: Calls, from: number, method: string, url: string) =>
  calls.slice(from).filter((c) => c.method === method && c.url.split('?')[0] === url).map((c) => c.headers['herald-account'] ?? null);
const switcher = () => screen.getByLabelText<HTMLSelectElement>('Account');
const banner = () => screen.queryByText(/You are working in the subaccount/)?.textContent ?? null;

/** Goes to another page and waits for the request the header makes there, to see which account it names. */
async function nextRequestAs(calls: Calls): Promise<string | null> {
  const from = calls.length;
  act(() => navigate(location.pathname === '/inbox' ? '/sent' : '/inbox'));
  await waitFor(() => expect(sentAs(calls, from, 'GET', '/v1/inbox/unread-count')).toHaveLength(1), SLOW);
  return sentAs(calls, from, 'GET', '/v1/inbox/unread-count')[0]!;
}

beforeEach(() => {
  sessionStorage.clear();
  history.replaceState(null, '', '/settings/profile');
});

afterEach(() => {
  vi.unstubAllGlobals();
  setActingAccount(null);
  setCsrfToken(null);
  sessionStorage.clear();
  history.replaceState(null, '', '/');
});

describe('acting in a subaccount', () => {
  it('keeps the subaccount through a refresh and a reload, reads the session as the user\'s own, and switches back', async () => {
    const calls = fakeHerald();
    const first = render(<App />);
    await screen.findByLabelText('Account', {}, SLOW);
    expect([...switcher().options].map((o) => o.textContent)).toEqual(['Acme', '↳ Branch', '↳ Shop']);
    expect(banner()).toBeNull();

    // Switch into Branch: the banner says so and every request names it.
    fireEvent.change(switcher(), { target: { value: 'acct_2' } });
    expect(banner()).toBe('You are working in the subaccount Branch.');
    expect(sessionStorage.getItem(STORED)).toBe('acct_2');
    expect(await nextRequestAs(calls)).toBe('acct_2');

    // A refresh (saving the profile) while in Branch: the start-up reads are the user's own,
    // so the switcher and banner stay and later requests still name Branch.
    act(() => navigate('/settings/profile'));
    const beforeRefresh = calls.length;
    fireEvent.submit(screen.getByRole('button', { name: 'Save' }).closest('form')!);
    await screen.findByText('Saved.', {}, SLOW);
    expect(sentAs(calls, beforeRefresh, 'GET', '/v1/auth/session')).toEqual([null]);
    expect(sentAs(calls, beforeRefresh, 'GET', '/v1/subaccounts')).toEqual([null]);
    expect(switcher().value).toBe('acct_2');
    expect([...switcher().options].map((o) => o.textContent)).toEqual(['Acme', '↳ Branch', '↳ Shop']);
    expect(banner()).toBe('You are working in the subaccount Branch.');
    expect(await nextRequestAs(calls)).toBe('acct_2');

    // A reload: a new page (the API client starts with no account) and a new app, the choice
    // kept in sessionStorage. Start-up reads are the user's own; then Branch again.
    first.unmount();
    setActingAccount(null);
    const beforeReload = calls.length;
    render(<App />);
    await screen.findByLabelText('Account', {}, SLOW);
    expect(sentAs(calls, beforeReload, 'GET', '/v1/auth/session')).toEqual([null]);
    expect(sentAs(calls, beforeReload, 'GET', '/v1/subaccounts')).toEqual([null]);
    expect(switcher().value).toBe('acct_2');
    expect(banner()).toBe('You are working in the subaccount Branch.');
    expect(await nextRequestAs(calls)).toBe('acct_2');

    // Switch back: no banner, nothing stored, requests name no subaccount.
    fireEvent.change(switcher(), { target: { value: 'acct_1' } });
    expect(switcher().value).toBe('acct_1');
    expect(banner()).toBeNull();
    expect(sessionStorage.getItem(STORED)).toBeNull();
    expect(await nextRequestAs(calls)).toBeNull();
  }, TEST_TIMEOUT);

  it('refreshes from within the subaccount without the page state the reload leaves behind', async () => {
    // The same refresh, but with the API client still set to the subaccount when the app mounts
    // (a remount without a page reload): the start-up reads must still be the user's own.
    sessionStorage.setItem(STORED, 'acct_3');
    setActingAccount('acct_3');
    const calls = fakeHerald();
    render(<App />);
    await screen.findByLabelText('Account', {}, SLOW);
    expect(sentAs(calls, 0, 'GET', '/v1/auth/session')).toEqual([null]);
    expect(sentAs(calls, 0, 'GET', '/v1/subaccounts')).toEqual([null]);
    expect(switcher().value).toBe('acct_3');
    expect(banner()).toBe('You are working in the subaccount Shop.');
    expect(await nextRequestAs(calls)).toBe('acct_3');
  }, TEST_TIMEOUT);

  it('forgets a stored subaccount that is not among the user\'s own', async () => {
    // Deleted since, or left by someone else's session in this tab.
    sessionStorage.setItem(STORED, 'acct_9');
    const calls = fakeHerald();
    render(<App />);
    await screen.findByLabelText('Account', {}, SLOW);
    expect(switcher().value).toBe('acct_1');
    expect(banner()).toBeNull();
    expect(sessionStorage.getItem(STORED)).toBeNull();
    expect(await nextRequestAs(calls)).toBeNull();
  }, TEST_TIMEOUT);
});
