import type { Executor } from '../../platform/db/index.js';
import { AppError } from '../../platform/errors.js';
import { enqueueEmail, forgetEmailSecrets } from '../mail/index.js';
import { findUser, findUserByEmail, updateUser, type UserRow } from './accounts.repository.js';
import { consumeToken, deleteUserSessions, insertToken, invalidateTokens, peekToken } from './credentials.repository.js';
import { passwordResetEmail } from './emails.js';
import { checkPasswordPolicy, hashPassword, verifyPassword } from './passwords.js';
import type { Principal } from './principal.js';
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

/**
 * Emails a single-use reset link when the address belongs to a user. The
 * caller answers the same either way, so the form reveals no accounts.
 */
export async function requestPasswordReset(db: Executor, email: string, publicUrl: string): Promise<void> {
  const user = await findUserByEmail(db, email.trim());
  if (!user || user.disabled_at) return;
  const { token, hash } = newOpaqueToken();
  await db.transaction().execute(async (tx) => {
    // A new link replaces the last one; the email that carried it forgets it.
    await forgetEmailSecrets(tx, await invalidateTokens(tx, 'password_reset', user.id));
    const expiresAt = new Date(Date.now() + RESET_MINUTES * 60_000);
    await insertToken(tx, { token_hash: hash, purpose: 'password_reset', user_id: user.id, expires_at: expiresAt });
    const mail = passwordResetEmail(`${publicUrl}/reset-password#token=${token}`);
    await enqueueEmail(tx, { to: user.email, ...mail, accountId: user.account_id, secret: { token, hash, expiresAt } });
  });
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
    await forgetEmailSecrets(tx, [token.token_hash]);
    const user = await updateUser(tx, token.user_id, { password_hash: hash, password_changed_at: new Date() });
    if (!user) throw new AppError('invalid_token', 'This link is not valid any more', { field: 'token' });
    await deleteUserSessions(tx, user.id);
    return user;
  });
}
