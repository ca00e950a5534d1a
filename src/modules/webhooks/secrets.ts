import { openSecret, sealSecret } from '../../platform/secret-box.js';
import { newWebhookSecret } from './sign-webhook.js';

/** One signing secret as stored in a `secrets` jsonb column, newest first. */
export interface StoredSecret {
  secret: string;
  created_at: string;
  /** null while it is the current one; set by a rotation. */
  expires_at: string | null;
}

/** How long the previous secret keeps signing after a rotation, so receivers can switch without losing a delivery. */
export const ROTATION_OVERLAP_MS = 24 * 3_600_000;

export function firstSecrets(now: Date): StoredSecret[] {
  return [{ secret: newWebhookSecret(), created_at: now.toISOString(), expires_at: null }];
}

/** The secrets that sign at `now`, newest first. */
export function liveSecrets(secrets: StoredSecret[], now: Date): string[] {
  return secrets.filter((s) => s.expires_at === null || Date.parse(s.expires_at) > now.getTime()).map((s) => s.secret);
}

/**
 * A new current secret; the ones still live expire after the overlap (or
 * sooner if they already were due to), the expired ones are dropped.
 */
export function rotateSecrets(secrets: StoredSecret[], now: Date): StoredSecret[] {
  const overlapEnd = now.getTime() + ROTATION_OVERLAP_MS;
  const kept = secrets
    .filter((s) => s.expires_at === null || Date.parse(s.expires_at) > now.getTime())
    .map((s) => ({ ...s, expires_at: new Date(Math.min(s.expires_at === null ? overlapEnd : Date.parse(s.expires_at), overlapEnd)).toISOString() }));
  return [...firstSecrets(now), ...kept];
}

/** As written to the database: each secret encrypted (platform/secret-box.ts). */
export const sealSecrets = (secrets: StoredSecret[]): StoredSecret[] => secrets.map((s) => ({ ...s, secret: sealSecret(s.secret) }));

/** As read from the database, for signing and showing. */
export const openSecrets = (secrets: StoredSecret[]): StoredSecret[] => secrets.map((s) => ({ ...s, secret: openSecret(s.secret) }));
