import type { Executor } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors.js';
import { enqueueEmail, forgetEmailSecrets } from '../mail/index.js';
import { toLocale } from '../texts/index.js';
import { findUser, findUserByEmail, updateUser, type UserRow } from './accounts.repository.js';
import { consumeToken, deleteUserSessions, insertToken, invalidateTokens, peekToken } from './credentials.repository.js';
import { passwordResetEmail } from './emails.js';
import { checkPasswordPolicy, hashPassword, verifyPassword } from './passwords.js';
import type { Principal } from './principal.js';
import { claimResetRequests, insertResetRequest, takeHit } from './throttles.repository.js';
import { hashToken, newOpaqueToken } from './tokens.js';

const RESET_MINUTES = 30;

export async function changePassword(
  db: Executor,
  principal: Principal,
  input: { currentPassword: string; newPassword: string },
): Promise<void> {
  const user = principal.userId ? await findUser(db, principal.userId) : undefined;
  if (!user) throw new AppError('forbidden', 'Only a signed-in user has a password');
  const check = await verifyPassword(user.password_hash, input.currentPassword);
  if (!check.ok) throw new AppError('invalid_credentials', 'Current password is wrong', { field: 'current_password' });
  checkPasswordPolicy(input.newPassword, 'new_password');
  const hash = await hashPassword(input.newPassword);
  await db.transaction().execute(async (tx) => {
    await updateUser(tx, user.id, { password_hash: hash, password_changed_at: new Date() });
    // Other devices signed in with the old password are signed out.
    await deleteUserSessions(tx, user.id, principal.sessionId ?? undefined);
  });
}

// A few emails per address per hour (known or not: the count must not tell),
// and a few more per client address, so the form cannot flood an inbox.
const RESETS_PER_ADDRESS = 3;
const RESETS_PER_IP = 10;
const HOUR = 3600;

/**
 * Queues a reset link for the address. The request does the same work
 * whether or not the address belongs to a user (count it, queue it): the
 * worker looks the user up and sends the link, so neither the answer nor its
 * time reveals accounts. Past the per-address limit the request is dropped
 * silently; past the per-client limit it is refused.
 */
export async function requestPasswordReset(db: Executor, input: { email: string; ip: string | null }, publicUrl: string): Promise<void> {
  const email = input.email.trim().toLowerCase();
  // One commit for the counts and the queue entry.
  const refusedFor = await db.transaction().execute(async (tx) => {
    if (input.ip) {
      const perIp = await takeHit(tx, `reset-ip:${input.ip}`, RESETS_PER_IP, HOUR);
      if (!perIp.allowed) return perIp.retryAfterSeconds;
    }
    const perAddress = await takeHit(tx, `reset-email:${email}`, RESETS_PER_ADDRESS, HOUR);
    if (perAddress.allowed) await insertResetRequest(tx, email, `${publicUrl}/reset-password`);
    return 0;
  });
  if (refusedFor > 0) {
    throw new AppError('rate_limited', `Too many password resets asked from here; try again in ${refusedFor} s`, { retryAfterSeconds: refusedFor });
  }
}

/** The worker's part: emails a link for each queued request whose address is an active user's. */
export async function sendPasswordResets(db: Executor, limit = 20): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const requests = await claimResetRequests(tx, limit);
    const done = new Set<string>();
    for (const request of requests) {
      if (done.has(request.email)) continue;
      done.add(request.email);
      await emailResetLink(tx, request.email, request.link_base);
    }
    return requests.length;
  });
}

async function emailResetLink(tx: Executor, email: string, linkBase: string): Promise<void> {
  const user = await findUserByEmail(tx, email);
  if (!user || user.disabled_at) return;
  const { token, hash } = newOpaqueToken();
  // A new link replaces the last one; the email that carried it forgets it.
  await forgetEmailSecrets(tx, await invalidateTokens(tx, 'password_reset', user.id));
  const expiresAt = new Date(Date.now() + RESET_MINUTES * 60_000);
  await insertToken(tx, { token_hash: hash, purpose: 'password_reset', user_id: user.id, expires_at: expiresAt });
  const mail = passwordResetEmail(`${linkBase}#token=${token}`, RESET_MINUTES, toLocale(user.locale));
  await enqueueEmail(tx, { to: user.email, ...mail, accountId: user.account_id, secret: { token, hash, expiresAt } });
}

/** What a reset or invitation link is for, without using it up. */
export async function describeToken(db: Executor, token: string): Promise<{ purpose: string; email: string } | null> {
  const row = await peekToken(db, hashToken(token));
  if (!row?.user_id || row.purpose === 'setup') return null;
  const user = await findUser(db, row.user_id);
  return user ? { purpose: row.purpose, email: user.email } : null;
}

/** Sets a password from a reset or invitation link; every session of the user ends. */
export async function resetPassword(db: Executor, input: { token: string; password: string }): Promise<UserRow> {
  checkPasswordPolicy(input.password);
  const hash = await hashPassword(input.password);
  return db.transaction().execute(async (tx) => {
    const token = await consumeToken(tx, hashToken(input.token), ['password_reset', 'invitation']);
    if (!token?.user_id) {
      throw new AppError('invalid_token', 'This link is not valid any more; ask for a new one', { field: 'token' });
    }
    // A user disabled since the link was sent keeps their old password: the
    // throw rolls the token's use back too, and nothing is signed in.
    const holder = await findUser(tx, token.user_id);
    if (holder?.disabled_at) {
      throw new AppError('invalid_token', 'This link is not valid any more: the user is disabled', { field: 'token', reason: 'user_disabled' });
    }
    await forgetEmailSecrets(tx, [token.token_hash]);
    const user = await updateUser(tx, token.user_id, { password_hash: hash, password_changed_at: new Date() });
    if (!user) throw new AppError('invalid_token', 'This link is not valid any more', { field: 'token' });
    await deleteUserSessions(tx, user.id);
    return user;
  });
}
