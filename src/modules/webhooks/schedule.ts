/**
 * When a failed delivery is tried again. The first attempt is at once; these
 * are the waits after each failure, so a delivery gets 8 attempts spread over
 * about 28 hours, long enough to ride out a receiver's bad day.
 */
export const RETRY_DELAYS_MS: readonly number[] = [
  5_000, 5 * 60_000, 30 * 60_000, 2 * 3_600_000, 5 * 3_600_000, 10 * 3_600_000, 10 * 3_600_000,
];
export const MAX_ATTEMPTS = RETRY_DELAYS_MS.length + 1;

/** An endpoint failing without a single success for this long is disabled. */
export const DISABLE_AFTER_MS = 5 * 86_400_000;

/** When attempt `attempts + 1` is due after attempt `attempts` failed at `at`; null when none is left. */
export function nextAttemptAt(attempts: number, at: Date): Date | null {
  const delay = RETRY_DELAYS_MS[attempts - 1];
  return delay === undefined ? null : new Date(at.getTime() + delay);
}
