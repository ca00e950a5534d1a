import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import * as accounts from '../../../modules/accounts/index.js';
import { SESSION_COOKIE, principalOf } from '../../auth.js';
import type { HttpDeps } from '../../deps.js';
import { AccountSchema, Email, Password, UserSchema, accountView, errorResponses, userView } from '../../schemas.js';

const SessionSchema = Type.Object({
  user: UserSchema,
  account: AccountSchema,
  csrf_token: Type.String({ description: 'Send as X-CSRF-Token on every state-changing request made with the session cookie' }),
  scopes: Type.Array(Type.String()),
});

export function setSessionCookie(reply: FastifyReply, deps: HttpDeps, token: string): void {
  reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure: deps.secureCookies,
    maxAge: deps.sessionHours * 3600,
  });
}

/** Opens a session for a user who just proved who they are, and answers with it. */
export async function answerWithSession(reply: FastifyReply, deps: HttpDeps, result: { token: string; csrfToken: string; user: accounts.UserRow }, status = 200) {
  setSessionCookie(reply, deps, result.token);
  const principal = await accounts.authenticateSession(deps.db, result.token, deps.sessionHours);
  const account = await accounts.getAccount(deps.db, principal!);
  return reply.status(status).send({ user: userView(result.user), account: accountView(account, deps.currency), csrf_token: result.csrfToken, scopes: [...principal!.scopes] });
}

export const authRoutes = (deps: HttpDeps): FastifyPluginAsyncTypebox => async (app) => {
  const meta = (request: { ip: string; headers: Record<string, unknown> }) => ({
    ip: request.ip,
    userAgent: typeof request.headers['user-agent'] === 'string' ? request.headers['user-agent'] : null,
  });

  app.post('/v1/auth/sign-in', {
    config: { auth: { public: true } },
    schema: {
      tags: ['auth'],
      summary: 'Sign in with email and password; sets the session cookie',
      body: Type.Object({ email: Email, password: Password }, { additionalProperties: false }),
      response: { 200: SessionSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const result = await accounts.signIn(deps.db, { ...request.body, ...meta(request) }, deps.sessionHours);
    return answerWithSession(reply, deps, result);
  });

  app.post('/v1/auth/sign-out', {
    config: { auth: { scope: 'account:read', sessionOnly: true } },
    schema: { tags: ['auth'], summary: 'End this session', response: { 204: Type.Null(), ...errorResponses } },
  }, async (request, reply) => {
    await accounts.signOut(deps.db, principalOf(request));
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send(null);
  });

  app.get('/v1/auth/session', {
    config: { auth: { scope: 'account:read', sessionOnly: true } },
    schema: { tags: ['auth'], summary: 'The signed-in user, account and CSRF token', response: { 200: SessionSchema, ...errorResponses } },
  }, async (request) => {
    const principal = principalOf(request);
    const { user, account } = await accounts.getProfile(deps.db, principal);
    return { user: userView(user), account: accountView(account, deps.currency), csrf_token: principal.csrfToken!, scopes: [...principal.scopes] };
  });

  app.post('/v1/auth/password', {
    config: { auth: { scope: 'account:read', sessionOnly: true } },
    schema: {
      tags: ['auth'],
      summary: 'Change your password; your other sessions end',
      body: Type.Object({ current_password: Password, new_password: Password }, { additionalProperties: false }),
      response: { 204: Type.Null(), ...errorResponses },
    },
  }, async (request, reply) => {
    await accounts.changePassword(deps.db, principalOf(request), {
      currentPassword: request.body.current_password,
      newPassword: request.body.new_password,
    });
    return reply.status(204).send(null);
  });

  app.post('/v1/auth/forgot-password', {
    config: { auth: { public: true } },
    schema: {
      tags: ['auth'],
      summary: 'Email a single-use reset link (the answer is the same whether or not the address is known; at most 3 per address and 10 per client an hour)',
      body: Type.Object({ email: Email }, { additionalProperties: false }),
      response: { 202: Type.Object({ status: Type.Literal('accepted') }), ...errorResponses },
    },
  }, async (request, reply) => {
    await accounts.requestPasswordReset(deps.db, { email: request.body.email, ip: request.ip }, deps.publicUrl);
    return reply.status(202).send({ status: 'accepted' as const });
  });

  app.post('/v1/auth/token-info', {
    config: { auth: { public: true } },
    schema: {
      tags: ['auth'],
      summary: 'What a reset or invitation link is for, without using it',
      body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ purpose: Type.String(), email: Type.String() }), ...errorResponses },
    },
  }, async (request, reply) => {
    const info = await accounts.describeToken(deps.db, request.body.token);
    if (!info) return reply.status(404).send({ error: { code: 'invalid_token', message: 'This link is not valid any more', field: 'token', requestId: String(request.id) } });
    return info;
  });

  app.post('/v1/auth/reset-password', {
    config: { auth: { public: true } },
    schema: {
      tags: ['auth'],
      summary: 'Choose a password with a reset or invitation link; signs you in',
      body: Type.Object({ token: Type.String({ minLength: 1, maxLength: 200 }), password: Password }, { additionalProperties: false }),
      response: { 200: SessionSchema, ...errorResponses },
    },
  }, async (request, reply) => {
    const user = await accounts.resetPassword(deps.db, request.body);
    const session = await accounts.openSession(deps.db, user, meta(request), deps.sessionHours);
    return answerWithSession(reply, deps, session);
  });
};
