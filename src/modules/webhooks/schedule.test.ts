import { describe, expect, it } from 'vitest';
import { MAX_ATTEMPTS, nextAttemptAt } from './schedule.js';
import { liveSecrets, rotateSecrets, firstSecrets, ROTATION_OVERLAP_MS } from './secrets.js';

const at = new Date('2025-03-01T12:00:00Z');
const later = (ms: number) => new Date(at.getTime() + ms);

describe('retry schedule', () => {
  it('waits 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after each failure, then stops after 8 attempts', () => {
    const waits = [];
    for (let attempts = 1; attempts < MAX_ATTEMPTS; attempts++) waits.push(nextAttemptAt(attempts, at)!.getTime() - at.getTime());
    expect(waits).toEqual([5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    expect(MAX_ATTEMPTS).toBe(8);
    expect(nextAttemptAt(8, at)).toBeNull();
  });
});

describe('secret rotation', () => {
  it('signs with the new and the previous secret during the overlap, then with the new one only', () => {
    const first = firstSecrets(at);
    const rotated = rotateSecrets(first, later(1_000));
    expect(rotated).toHaveLength(2);
    expect(liveSecrets(rotated, later(2_000))).toEqual([rotated[0]!.secret, first[0]!.secret]);
    expect(liveSecrets(rotated, later(1_000 + ROTATION_OVERLAP_MS + 1))).toEqual([rotated[0]!.secret]);
  });

  it('never extends an expiry already set and drops expired secrets', () => {
    const once = rotateSecrets(firstSecrets(at), at);
    const twice = rotateSecrets(once, later(3_600_000));
    expect(twice.map((s) => s.expires_at)).toEqual([null, later(3_600_000 + ROTATION_OVERLAP_MS).toISOString(), later(ROTATION_OVERLAP_MS).toISOString()]);
    expect(rotateSecrets(twice, later(2 * ROTATION_OVERLAP_MS))).toHaveLength(2);
  });
});
