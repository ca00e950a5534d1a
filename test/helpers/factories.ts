import type { FastifyInstance } from 'fastify';
import * as accounts from '../../src/modules/accounts/index.js';
import type { Executor } from '../../src/platform/db/index.js';
import { asKey, asSession, json, PUBLIC_URL, sessionCookie, type Caller } from './app.js';

let counter = 0;
export const uniqueEmail = (tag = 'user') => `${tag}.${process.pid}.${++counter}.${Date.now()}@example.org`;
export const PASSWORD = 'a long enough passphrase';

export interface TestUser {
  accountId: string;
  userId: string;
  email: string;
  caller: Caller;
  csrf: string;
  cookie: string;
}

/** Sets a password through the link a real invitation gives, then signs in over HTTP. */
export async function activate(app: FastifyInstance, link: string): Promise<TestUser> {
  const token = new URL(link).hash.replace('#token=', '');
  const res = await app.inject({ method: 'POST', url: '/v1/auth/reset-password', payload: { token, password: PASSWORD } });
  if (res.statusCode !== 200) throw new Error(`activation failed: ${res.statusCode} ${res.body}`);
  const body = json(res);
  const cookie = sessionCookie(res);
  return { accountId: body.account.id, userId: body.user.id, email: body.user.email, cookie, csrf: body.csrf_token, caller: asSession(cookie, body.csrf_token) };
}

/** A top-level account whose owner is signed in. */
export async function createOwner(app: FastifyInstance, db: Executor, name = 'Acme'): Promise<TestUser> {
  const { link } = await accounts.createAccount(db, { name, ownerEmail: uniqueEmail('owner') }, PUBLIC_URL);
  return activate(app, link);
}

/** Another user of `owner`'s account, with `role`. */
export async function createMember(app: FastifyInstance, owner: TestUser, role: 'admin' | 'member' = 'member'): Promise<TestUser> {
  const res = await app.inject({ method: 'POST', url: '/v1/users', ...owner.caller, payload: { email: uniqueEmail(role), role } });
  if (res.statusCode !== 201) throw new Error(`invite failed: ${res.statusCode} ${res.body}`);
  return activate(app, json(res).invitation_link);
}

export async function createSubaccountOwner(app: FastifyInstance, parent: TestUser, name = 'Child'): Promise<TestUser> {
  const res = await app.inject({ method: 'POST', url: '/v1/subaccounts', ...parent.caller, payload: { name, owner: { email: uniqueEmail('child') } } });
  if (res.statusCode !== 201) throw new Error(`subaccount failed: ${res.statusCode} ${res.body}`);
  return activate(app, json(res).invitation_link);
}

export async function createKey(app: FastifyInstance, user: TestUser, scopes: string[]): Promise<{ id: string; secret: string; caller: Caller }> {
  const res = await app.inject({ method: 'POST', url: '/v1/api-keys', ...user.caller, payload: { name: 'test key', scopes } });
  if (res.statusCode !== 201) throw new Error(`key failed: ${res.statusCode} ${res.body}`);
  const body = json(res);
  return { id: body.id, secret: body.secret, caller: asKey(body.secret) };
}
