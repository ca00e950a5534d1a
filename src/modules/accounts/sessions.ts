import type { Executor } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors.js';
import { newId, newSecret } from '../../platform/ids.js';
import { findAccount, findUser, findUserByEmail, isWithin, updateUser, type UserRow } from './accounts.repository.js';
import {
  clearLoginFailures,
  deleteSession,
  insertSession,
  refundLoginAttempts,
  reserveLoginAttempts,
  throttleState,
  touchSession,
  useApiKey,
} from './credentials.repository.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { SCOPES, scopesForRole, type Principal, type Role, type Scope } from './principal.js';
import { hashToken, newOpaqueToken } from './tokens.js';

// Five free attempts, then 1 s, 2 s, 4 s … up to 15 minutes per key between failures.
const FREE_FAILURES = 5;
const MAX_BLOCK_SECONDS = 900;

export interface SignInResult {
  token: string;
  csrfToken: string;
  sessionId: string;
  user: UserRow;
}

export interface SignInInput {
  email: string;
  password: string;
  ip: string | null;
  userAgent: string | null;
}

export async function signIn(db: Executor, input: SignInInput, ttlHours: number): Promise<SignInResult> {
  const keys = [`email:${input.email.trim().toLowerCase()}`, ...(input.ip ? [`ip:${input.ip}`] : [])];
  // The attempt is taken before the password is checked, in one statement per
  // sign-in: of many guesses sent at once, only the free ones reach Argon2.
  const taken = await reserveLoginAttempts(db, keys, FREE_FAILURES, MAX_BLOCK_SECONDS);
  if (taken.length < keys.length) {
    await refundLoginAttempts(db, taken, FREE_FAILURES);
    const blockedUntil = await throttleState(db, keys);
    const seconds = blockedUntil ? Math.max(1, Math.ceil((blockedUntil.getTime() - Date.now()) / 1000)) : 1;
    throw new AppError('rate_limited', `Too many failed sign-ins; try again in ${seconds} s`, { retryAfterSeconds: seconds });
  }
  const user = await findUserByEmail(db, input.email.trim());
  const usable = user && !user.disabled_at ? user : undefined;
  const check = await verifyPassword(usable?.password_hash ?? null, input.password);
  if (!usable || !check.ok) throw new AppError('invalid_credentials', 'Email or password is wrong');
  await clearLoginFailures(db, [keys[0]!]);
  await refundLoginAttempts(db, keys.slice(1), FREE_FAILURES);
  if (check.rehash) await updateUser(db, usable.id, { password_hash: await hashPassword(input.password) });
  return openSession(db, usable, input, ttlHours);
}

export async function openSession(
  db: Executor,
  user: UserRow,
  meta: { ip: string | null; userAgent: string | null },
  ttlHours: number,
): Promise<SignInResult> {
  const { token, hash } = newOpaqueToken();
  const sessionId = newId('ses');
  const csrfToken = newSecret(24);
  await insertSession(db, {
    id: sessionId,
    token_hash: hash,
    user_id: user.id,
    account_id: user.account_id,
    csrf_token: csrfToken,
    ip: meta.ip,
    user_agent: meta.userAgent?.slice(0, 300) ?? null,
    expires_at: new Date(Date.now() + ttlHours * 3600_000),
  });
  return { token, csrfToken, sessionId, user };
}

export async function signOut(db: Executor, principal: Principal): Promise<void> {
  if (principal.sessionId) await deleteSession(db, principal.sessionId);
}

export async function authenticateSession(db: Executor, token: string, ttlHours: number): Promise<Principal | null> {
  const session = await touchSession(db, hashToken(token), ttlHours);
  if (!session) return null;
  const user = await findUser(db, session.user_id);
  if (!user || user.disabled_at) return null;
  const account = await findAccount(db, user.account_id);
  if (!account) return null;
  return {
    kind: 'session',
    accountId: user.account_id,
    homeAccountId: user.account_id,
    userId: user.id,
    role: user.role,
    scopes: scopesForRole(user.role, account.is_operator),
    sessionId: session.id,
    csrfToken: session.csrf_token,
    apiKeyId: null,
  };
}

/**
 * A key acts for its creator: it never does more than they may do now (a
 * demoted creator's keys shrink with them), and `operator` needs a creator
 * who still is an owner of the operator account.
 */
function keyScopes(key: { scopes: string[]; creator_role: Role | null; operator_account: boolean }): Scope[] {
  const allowed: readonly Scope[] = key.creator_role ? scopesForRole(key.creator_role, key.operator_account) : SCOPES.filter((s) => s !== 'operator');
  return (key.scopes as Scope[]).filter((s) => allowed.includes(s));
}

export async function authenticateApiKey(db: Executor, token: string, ip: string | null): Promise<Principal | null> {
  const key = await useApiKey(db, hashToken(token), ip);
  if (!key) return null;
  return {
    kind: 'api_key',
    accountId: key.account_id,
    homeAccountId: key.account_id,
    userId: null,
    role: null,
    scopes: keyScopes(key),
    sessionId: null,
    csrfToken: null,
    apiKeyId: key.id,
  };
}

/**
 * Lets a parent account's user or key act in one of its subaccounts (the
 * account switcher). Anything else answers not found, so ids of unrelated
 * accounts reveal nothing. Operator rights never carry into a subaccount.
 */
export async function switchAccount(db: Executor, principal: Principal, accountId: string): Promise<Principal> {
  if (accountId === principal.homeAccountId) return principal;
  if (!principal.scopes.includes('account:write') || !(await isWithin(db, accountId, principal.homeAccountId))) {
    throw new AppError('not_found', 'Account not found', { field: 'herald-account' });
  }
  return { ...principal, accountId, scopes: principal.scopes.filter((s) => s !== 'operator') };
}
