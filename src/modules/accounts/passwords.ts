import argon2 from 'argon2';
import dumbPasswords from 'dumb-passwords';
import { AppError } from '../../platform/errors.js';

// Argon2id at the notes' floor or above: 19 MiB, t=2, p=1.
const PARAMS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;

// Control characters (C0, DEL, C1) cannot be typed back reliably and hide in
// copied text; a password of only spaces looks empty on every form.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * True for a password whose length hides little choice: fewer than 4
 * distinct characters (`aaaaaaaa`, `abababab`) or one short run repeated
 * (`abcabcabc`, `1231231231`).
 */
export function isRepetitive(password: string): boolean {
  const chars = [...password.toLowerCase()];
  if (new Set(chars).size < 4) return true;
  for (let size = 1; size <= Math.min(4, chars.length / 2); size++) {
    if (chars.every((c, i) => c === chars[i % size])) return true;
  }
  return false;
}

/**
 * Length, control characters, common and repetitive passwords only:
 * composition rules make passwords worse. `reason` lets a client say which.
 */
export function checkPasswordPolicy(password: string, field = 'password'): void {
  const refuse = (reason: string, message: string): never => {
    throw new AppError('weak_password', message, { field, reason });
  };
  const length = [...password].length;
  if (length < PASSWORD_MIN) refuse('too_short', `Password must have at least ${PASSWORD_MIN} characters`);
  if (length > PASSWORD_MAX) refuse('too_long', `Password must have at most ${PASSWORD_MAX} characters`);
  if (CONTROL.test(password)) refuse('control_characters', 'Password must not contain control characters');
  if (password.trim() === '') refuse('blank', 'Password must not be only spaces');
  if (dumbPasswords.check(password) || dumbPasswords.check(password.toLowerCase())) {
    refuse('common', 'This password is one of the most common ones; choose another');
  }
  if (isRepetitive(password)) refuse('repetitive', 'This password repeats a few characters; choose one with more variety');
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
