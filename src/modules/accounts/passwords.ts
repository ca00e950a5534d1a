import argon2 from 'argon2';
import dumbPasswords from 'dumb-passwords';
import { AppError } from '../../platform/errors.js';

// Argon2id at the notes' floor or above: 19 MiB, t=2, p=1.
const PARAMS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

/** Length and common-password rules only: composition rules make passwords worse. */
export function checkPasswordPolicy(password: string, field = 'password'): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN) {
    throw new AppError('weak_password', `Password must have at least ${PASSWORD_MIN} characters`, { field });
  }
  if (length > PASSWORD_MAX) {
    throw new AppError('weak_password', `Password must have at most ${PASSWORD_MAX} characters`, { field });
  }
  if (dumbPasswords.check(password) || dumbPasswords.check(password.toLowerCase())) {
    throw new AppError('weak_password', 'This password is one of the most common ones; choose another', { field });
  }
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, PARAMS);
}

// Verifying against this when the user does not exist keeps the answer time
// the same for an unknown email and a wrong password.
let dummyHash: Promise<string> | undefined;

export async function verifyPassword(hash: string | null, password: string): Promise<{ ok: boolean; rehash: boolean }> {
  dummyHash ??= hashPassword('herald-timing-equaliser');
  const target = hash ?? (await dummyHash);
  let ok = false;
  try {
    ok = await argon2.verify(target, password);
  } catch {
    ok = false;
  }
  if (hash === null) return { ok: false, rehash: false };
  return { ok, rehash: ok && argon2.needsRehash(hash, PARAMS) };
}
