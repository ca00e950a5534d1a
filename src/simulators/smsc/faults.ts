import type { Faults, Personality } from './types.js';

/** A well-behaved centre. */
export const DEFAULT_FAULTS: Readonly<Faults> = {
  throttleShare: 0,
  errorShare: 0,
  errorStatus: 0x08,
  dropResponseShare: 0,
  receiptBeforeResponse: false,
  duplicateReceipts: false,
  receiptStat: 'DELIVRD',
  receiptIdFormat: 'same',
  disconnectAfterSubmits: null,
  responseDelayMs: 0,
  ignoreEnquireLink: false,
  personalities: {},
};

const PERSONALITIES: ReadonlySet<Personality> = new Set(['healthy', 'silent', 'generic_nack', 'throttled', 'receipt_first']);

/** The personality of the longest key that `destination` (digits, no plus) starts with. */
export function personalityOf(personalities: Readonly<Record<string, Personality>>, destination: string): Personality | undefined {
  for (let n = destination.length; n > 0; n--) {
    const found = personalities[destination.slice(0, n)];
    if (found) return found;
  }
  return undefined;
}

const SHARES = ['throttleShare', 'errorShare', 'dropResponseShare'] as const;

/** Applies a patch, refusing values that would make the simulator lie about what it does. */
export function mergeFaults(current: Readonly<Faults>, patch: Partial<Faults>): Faults {
  const next: Faults = { ...current };
  for (const [key, value] of Object.entries(patch) as [keyof Faults, unknown][]) {
    if (value !== undefined) (next as unknown as Record<string, unknown>)[key] = value;
  }
  for (const key of SHARES) {
    const share = next[key];
    if (!Number.isFinite(share) || share < 0 || share > 1) throw new RangeError(`${key} must be within 0..1, got ${share}`);
  }
  if (!Number.isInteger(next.errorStatus) || next.errorStatus <= 0) {
    throw new RangeError(`errorStatus must be a positive integer, got ${next.errorStatus}`);
  }
  const n = next.disconnectAfterSubmits;
  if (n !== null && (!Number.isInteger(n) || n < 1)) {
    throw new RangeError(`disconnectAfterSubmits must be a positive integer or null, got ${n}`);
  }
  for (const [key, personality] of Object.entries(next.personalities)) {
    if (!/^\d+$/.test(key) || !PERSONALITIES.has(personality)) throw new RangeError(`personality ${key}: ${personality} is not a number prefix and a personality`);
  }
  if (!Number.isFinite(next.responseDelayMs) || next.responseDelayMs < 0) {
    throw new RangeError(`responseDelayMs must be >= 0, got ${next.responseDelayMs}`);
  }
  return next;
}

/**
 * Picks a share of events without randomness, so tests can count on it: a
 * share `s` fires on every `1/s`-th event (an accumulator, Bresenham-style).
 */
export class ShareGate {
  private accumulated = 0;

  hit(share: number): boolean {
    if (share <= 0) return false;
    this.accumulated += share;
    // The epsilon keeps 0.1 × 10 (= 0.9999999999999999) firing on the 10th.
    if (this.accumulated >= 1 - 1e-9) {
      this.accumulated -= 1;
      return true;
    }
    return false;
  }

  reset(): void {
    this.accumulated = 0;
  }
}
