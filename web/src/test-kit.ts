import { vi } from 'vitest';
import type { SessionState } from './session';
import type { User } from './types';

type Handler = (url: string, init: RequestInit) => unknown;

/** Replaces fetch with answers by "METHOD /path" (query left off); records the calls. */
export function fakeApi(routes: Record<string, Handler | unknown>) {
  const calls: { method: string; url: string; body: unknown; headers: Record<string, string> }[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const path = url.split('?')[0];
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : init.body;
    calls.push({ method, url, body, headers: (init.headers ?? {}) as Record<string, string> });
    const key = `${method} ${path}`;
    if (!(key in routes)) return new Response(JSON.stringify({ error: { code: 'not_found', message: `no fake for ${key}` } }), { status: 404 });
    const route = routes[key];
    const answer = typeof route === 'function' ? (route as Handler)(url, init) : route;
    if (answer instanceof Response) return answer;
    return new Response(JSON.stringify(answer), { status: 200, headers: { 'content-type': 'application/json' } });
  });
  return calls;
}

export const preview = (over: Record<string, unknown> = {}) => ({
  encoding: 'gsm7', parts: 1, characters: 0, units: 0, units_per_part: 160, non_gsm_characters: [], max_parts: 10,
  problem: null, price_per_part: 5, cost_per_recipient: 5, recipients: [], ...over,
});

const USER = { id: 'usr_1', account_id: 'acct_1', email: 'olivia@example.com', name: 'Olivia', role: 'owner', locale: 'en', timezone: null, mobile: null, status: 'active', created_at: '' };
const ACCOUNT = { id: 'acct_1', name: 'Acme', default_country: 'BE', timezone: 'Europe/Brussels', spending_limit: null, sms_max_parts: 10, allowed_countries: null, is_operator: false, created_at: '' };

/** A signed-in owner with every scope, for pages that read the session. */
export function sessionFor(user: Partial<User> = {}, scopes = ['account:read', 'account:write', 'messages:read', 'messages:write']): SessionState {
  return {
    session: { user: { ...USER, ...user }, account: ACCOUNT, csrf_token: 'csrf', scopes },
    acting: ACCOUNT, subaccounts: [], switchAccount: () => undefined, refresh: async () => undefined, signOut: async () => undefined,
    can: (scope) => scopes.includes(scope),
  };
}

/** The server's reason shown beside a field: the element its aria-describedby names as its error. */
export function errorBeside(input: Element): HTMLElement | null {
  const ids = (input.getAttribute('aria-describedby') ?? '').split(' ');
  const id = ids.find((i) => i.endsWith('-error'));
  return id ? document.getElementById(id) : null;
}
