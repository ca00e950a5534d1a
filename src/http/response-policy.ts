import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from 'fastify';
import { notFoundHandler, sendError } from './errors.js';

// What every answer carries unless its route said otherwise: the web pages
// (pages.ts) set their own CSP and caching; the API's JSON, /openapi.json and
// /docs get these. API answers hold tenants' data: no cache keeps them.
const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";
const DEFAULTS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

export const AUTH_REALM = 'Bearer realm="Herald"';

export function registerResponsePolicy(app: FastifyInstance): void {
  app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply) => {
    for (const [name, value] of Object.entries(DEFAULTS)) if (!reply.hasHeader(name)) reply.header(name, value);
    // Swagger UI's own CSP (staticCSP) allows its scripts; everything else gets the strict one.
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', API_CSP);
    if (request.url === '/docs' || request.url.startsWith('/docs/') || !reply.hasHeader('cache-control')) {
      reply.header('cache-control', 'no-store');
    }
    // RFC 9110: a 401 says how to authenticate.
    if (reply.statusCode === 401 && !reply.hasHeader('www-authenticate')) reply.header('www-authenticate', AUTH_REALM);
  });
  app.setNotFoundHandler(methodNotAllowedOrNotFound);
}

const METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** A path that exists with other methods answers 405 and lists them; an unknown path 404. */
function methodNotAllowedOrNotFound(request: FastifyRequest, reply: FastifyReply) {
  const path = request.url.split('?')[0]!;
  const allowed = METHODS.filter((method) => method !== request.method && request.server.findRoute({ method, url: path }) !== null);
  if (allowed.length === 0) return notFoundHandler(request, reply);
  reply.header('allow', allowed.join(', '));
  return sendError(request, reply, 405, 'method_not_allowed', `${request.method} is not allowed on ${path}; use ${allowed.join(', ')}`);
}
