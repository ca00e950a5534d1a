// The one way the web app talks to Herald: fetch under /v1 with the session
// cookie, the CSRF token on every state-changing request, and the account
// acted on (a subaccount) in the Herald-Account header.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | undefined,
    /** Why, as a stable code (`not_mobile`, `recipient_opted_out`…) the UI can translate. */
    readonly reason?: string,
    /** What the reason's sentence needs in numbers or names (`attempts_left`, `parts`…). */
    readonly params?: Record<string, string | number>,
  ) {
    super(message);
  }
}

/** The code of a request that never reached Herald (offline, DNS, connection refused). */
export const NETWORK_ERROR = 'network';

const state: { csrf: string | null; account: string | null } = { csrf: null, account: null };

export function setCsrfToken(token: string | null): void {
  state.csrf = token;
}

/** The subaccount acted on, or null for the user's own account. */
export function setActingAccount(id: string | null): void {
  state.account = id;
}

export function actingAccount(): string | null {
  return state.account;
}

export interface RequestOptions {
  headers?: Record<string, string>;
  /** A raw body (a file) instead of JSON. */
  raw?: { body: BodyInit; contentType: string };
  signal?: AbortSignal;
  /**
   * As the user's own account, whatever subaccount is acted in: for reading who the
   * user is and which subaccounts they have, which a subaccount would answer as itself.
   */
  ownAccount?: boolean;
}

export async function api<T>(method: string, path: string, body?: unknown, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (method !== 'GET' && method !== 'HEAD' && state.csrf) headers['x-csrf-token'] = state.csrf;
  if (state.account && !options.ownAccount) headers['herald-account'] = state.account;
  let payload: BodyInit | undefined;
  if (options.raw) {
    payload = options.raw.body;
    headers['content-type'] = options.raw.contentType;
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: payload ?? null, credentials: 'same-origin', signal: options.signal ?? null });
  } catch (err) {
    // A cancelled request stays a cancel; anything else means Herald was not reached at all.
    if (options.signal?.aborted || (err as Error | null)?.name === 'AbortError') throw err;
    throw new ApiError(0, NETWORK_ERROR, err instanceof Error ? err.message : String(err), undefined);
  }
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  let data: unknown = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const error = (data as { error?: { code?: string; message?: string; field?: string; reason?: string; params?: Record<string, string | number> } } | null)?.error;
    // A body without an error object (a proxy's page, an empty 502) keeps only its status.
    throw new ApiError(res.status, error?.code ?? `http_${res.status}`, error?.message ?? res.statusText, error?.field, error?.reason, error?.params);
  }
  return data as T;
}

export const get = <T>(path: string, signal?: AbortSignal) => api<T>('GET', path, undefined, signal ? { signal } : {});
/** A read as the user's own account, never a subaccount's (see `ownAccount`). */
export const getOwn = <T>(path: string) => api<T>('GET', path, undefined, { ownAccount: true });
export const post = <T>(path: string, body?: unknown, options?: RequestOptions) => api<T>('POST', path, body, options);
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);
export const del = <T>(path: string) => api<T>('DELETE', path);

/** A query string from the values that are set. */
export function query(values: Record<string, string | number | boolean | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(values)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
