import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import {
  API_KEY_PREFIX,
  authenticateApiKey,
  authenticateSession,
  switchAccount,
  type Principal,
  type Scope,
} from '../modules/accounts/index.js';
import type { Executor } from '../platform/db/index.js';
import { sendError } from './errors.js';

/**
 * Every route says who may call it. A route without this fails at start-up
 * (and in the security suite), so none is left open by accident.
 */
export type AuthRequirement =
  | { public: true }
  /** A signed-in user or an API key with `scope`; `sessionOnly` refuses keys. */
  | { scope: Scope; sessionOnly?: boolean };

declare module 'fastify' {
  interface FastifyContextConfig {
    auth?: AuthRequirement;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export const SESSION_COOKIE = 'herald_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const KEY_IN_URL = /[?&](api_key|apikey|key|access_token|token)=/i;

export function checkRouteHasAuth(route: RouteOptions): void {
  const auth = (route.config as { auth?: AuthRequirement } | undefined)?.auth;
  if (!auth) throw new Error(`Route ${String(route.method)} ${route.url} declares no auth requirement (config.auth)`);
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

async function identify(db: Executor, request: FastifyRequest, sessionHours: number): Promise<Principal | null> {
  const header = request.headers.authorization;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]?.startsWith(API_KEY_PREFIX)) return null;
    return authenticateApiKey(db, match[1], request.ip);
  }
  const cookie = request.cookies[SESSION_COOKIE];
  return cookie ? authenticateSession(db, cookie, sessionHours) : null;
}

export function registerAuth(app: FastifyInstance, db: Executor, sessionHours: number): void {
  app.decorateRequest('principal', null);
  app.addHook('onRoute', checkRouteHasAuth);
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const auth = request.routeOptions.config.auth;
    if (!auth || 'public' in auth) return;
    if (KEY_IN_URL.test(request.url)) {
      return sendError(request, reply, 400, 'invalid_request', 'Credentials are never accepted in the URL; send an Authorization header', 'query');
    }
    const principal = await identify(db, request, sessionHours);
    if (!principal) {
      return sendError(request, reply, 401, 'unauthenticated', 'Sign in or send a valid API key (Authorization: Bearer hrld_…)');
    }
    if (principal.kind === 'session' && !SAFE_METHODS.has(request.method)) {
      const sent = request.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !principal.csrfToken || !sameSecret(sent, principal.csrfToken)) {
        return sendError(request, reply, 403, 'csrf_failed', 'Missing or wrong X-CSRF-Token header', 'x-csrf-token');
      }
    }
    if (auth.sessionOnly && principal.kind !== 'session') {
      return sendError(request, reply, 403, 'forbidden', 'This needs a signed-in user, not an API key');
    }
    const target = request.headers['herald-account'];
    request.principal = typeof target === 'string' && target ? await switchAccount(db, principal, target) : principal;
    if (!request.principal.scopes.includes(auth.scope)) {
      return sendError(request, reply, 403, 'forbidden', `This needs the "${auth.scope}" permission`);
    }
  });
}

/** The caller of an authenticated route; the hook above guarantees it. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new Error('principalOf called on a public route');
  return request.principal;
}
