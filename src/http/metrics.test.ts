import { describe, expect, it } from 'vitest';
import { bearerMatches } from './metrics.js';

// The /metrics token is compared in time independent of where a guess differs
// (both sides are hashed to one length, then compared with timingSafeEqual).
describe('the /metrics token check', () => {
  const token = 'a-metrics-token-of-some-length';

  it('takes only the exact bearer token', () => {
    expect(bearerMatches(`Bearer ${token}`, token)).toBe(true);
    for (const wrong of [undefined, '', token, `Bearer ${token}x`, `Bearer ${token.slice(0, -1)}`, `Bearer ${token.slice(0, -1)}X`, `bearer ${token}`, `Bearer  ${token}`, 'Bearer ']) {
      expect(bearerMatches(wrong, token)).toBe(false);
    }
  });
});
