import { vi } from 'vitest';
import { checkParameters, checkRequest, checkResponse, findRoute, successStatus } from './openapi-check';
import type { SessionState } from './session';
import type { User } from './types';

type Handler = (url: string, init: RequestInit) => unknown;

const problems: string[] = [];
const offServer = new WeakSet<Response>();

/** An answer Herald itself never gives (a proxy's error page): left unchecked against the API. */
export function fromProxy(response: Response): Response {
  offServer.add(response);
  return response;
}

/**
 * Replaces fetch with answers by "METHOD /path" (query left off); records the calls.
 * Every route faked must exist in the API, every request the app sends must match
 * the API's parameters and body, and every answer its declared status and schema
 * (web/src/openapi.snapshot.json). A plain value answers with the route's success
 * status (undefined for a 204). A mismatch fails the test (`takeFakeProblems`).
 */
export function fakeApi(routes: Record<string, Handler | unknown>) {
  for (const key of Object.keys(routes)) {
    const [method = '', path = ''] = key.split(' ');
    const route = findRoute(method, path);
    if (typeof route === 'string') throw new Error(`fakeApi: ${route}`);
  }
  const calls: { method: string; url: string; body: unknown; headers: Record<string, string> }[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const path = url.split('?')[0]!;
    const headers = (init.headers ?? {}) as Record<string, string>;
    const contentType = headers['content-type'];
    const body = typeof init.body === 'string' && contentType?.startsWith('application/json') ? JSON.parse(init.body) : (init.body ?? undefined);
    calls.push({ method, url, body, headers });
    const key = `${method} ${path}`;
    const route = findRoute(method, path);
    if (typeof route === 'string') return refuse([route]);
    const sent = [...checkParameters(route, new URL(url, 'http://herald.test')), ...checkRequest(route, body, contentType)];
    if (sent.length) return refuse(sent);
    if (!(key in routes)) return refuse([`${key}: the app asked, and the test has no fake for it`]);
    const fake = routes[key];
    const answer = typeof fake === 'function' ? (fake as Handler)(url, init) : fake;
    const response = answer instanceof Response ? answer : plain(answer, successStatus(route));
    if (offServer.has(response)) return response;
    const text = await response.clone().text();
    const wrong = checkResponse(route, response.status, text, response.headers.get('content-type'));
    return wrong.length ? refuse(wrong) : response;
  });
  return calls;
}

function plain(answer: unknown, status: number): Response {
  if (answer === undefined) return new Response(null, { status });
  return new Response(JSON.stringify(answer), { status, headers: { 'content-type': 'application/json' } });
}

// Recorded for the test to fail on, and thrown so the app under test stops there too.
function refuse(found: string[]): never {
  problems.push(...found);
  throw new TypeError(`fake API: ${found.join('\n')}`);
}

/** What fakes and requests got wrong since the last call (test-setup fails the test on it). */
export function takeFakeProblems(): string[] {
  return problems.splice(0);
}

/** An error answer as Herald's error handler writes it. */
export function apiError(status: number, code: string, message: string, extra: { field?: string; reason?: string; params?: Record<string, string | number> } = {}): Response {
  return new Response(JSON.stringify({ error: { code, message, ...extra, requestId: 'req_test' } }), { status, headers: { 'content-type': 'application/json' } });
}

export const preview = (over: Record<string, unknown> = {}) => ({
  encoding: 'gsm7', parts: 1, characters: 0, units: 0, units_per_part: 160, non_gsm_characters: [], max_parts: 10,
  problem: null, price_per_part: 5, cost_per_recipient: 5, currency: 'EUR', recipients: [], ...over,
});

/** A balance that pays for whatever a test sends, so no shortfall warning shows. */
export const credit = (over: Record<string, unknown> = {}) => ({
  quota: { monthly: 0, remaining: 0, held: 0, period_start: null, period_end: null }, provision: { available: 1_000_000, held: 0 }, spending: null, currency: 'EUR', ...over,
});

const USER = { id: 'usr_1', account_id: 'acct_1', email: 'olivia@example.com', name: 'Olivia', role: 'owner', locale: 'en', timezone: null, mobile: null, status: 'active', created_at: '2026-01-01T00:00:00Z' };
const ACCOUNT = { id: 'acct_1', name: 'Acme', default_country: 'BE', timezone: 'Europe/Brussels', spending_limit: null, currency: 'EUR', sms_max_parts: 10, allowed_countries: null, is_operator: false, created_at: '2026-01-01T00:00:00Z' };

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
