/**
 * Token bucket for one bind's submits per second. The burst is a tenth of a
 * second's worth (at least one), so a cap of 100/s sends at most 10 at once
 * rather than 100 in the first millisecond of each second.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private rate: number;

  /** `perSecond` 0 means no cap. */
  constructor(perSecond: number, now: number) {
    this.rate = perSecond;
    this.tokens = this.burst;
    this.last = now;
  }

  /** Changes the rate (the throttle lowers and restores it); tokens above the new burst are dropped. */
  setRate(perSecond: number, now: number): void {
    this.refill(now);
    this.rate = perSecond;
    this.tokens = Math.min(this.tokens, this.burst);
  }

  /** Takes a token when one is there. */
  take(now: number): boolean {
    if (this.rate <= 0) return true;
    this.refill(now);
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }

  /** Milliseconds until `take` can succeed (0 when it can now). */
  waitMs(now: number): number {
    if (this.rate <= 0) return 0;
    this.refill(now);
    return this.tokens >= 1 ? 0 : Math.ceil(((1 - this.tokens) * 1000) / this.rate);
  }

  private get burst(): number {
    return Math.max(1, this.rate / 10);
  }

  private refill(now: number): void {
    if (this.rate > 0) this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) * this.rate) / 1000);
    this.last = now;
  }
}

/**
 * Exponential backoff with full jitter (the delay is drawn uniformly up to an
 * exponentially growing cap) so that binds and connectors dropped together do
 * not come back together. The draw starts at `minMs`, never below: a
 * flapping link cannot loop tighter than that.
 */
export function backoffDelay(attempt: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  const cap = Math.min(maxMs, minMs * 2 ** Math.min(attempt, 30));
  return Math.round(minMs + random() * Math.max(0, cap - minMs));
}

/**
 * How hard a bind may push after the centre said 0x58: the factor halves on
 * each throttle (down to 1/16) and grows back by 1/20 per accepted submit,
 * so the rate and window return to full after about twenty clean answers.
 * Multiplicative decrease, additive increase, as TCP does.
 */
export class ThrottleState {
  factor = 1;
  /** Consecutive 0x58 answers, for the pause's exponential backoff. */
  strikes = 0;
  pausedUntil = 0;

  constructor(private readonly minPauseMs: number, private readonly maxPauseMs: number) {}

  /** Records a 0x58 and returns the pause the bind takes from now. */
  throttled(now: number): number {
    // Answers to submits sent before the pause began say nothing new.
    if (now < this.pausedUntil) return this.pausedUntil - now;
    this.strikes += 1;
    this.factor = Math.max(1 / 16, this.factor / 2);
    const pause = backoffDelay(this.strikes - 1, this.minPauseMs, this.maxPauseMs);
    this.pausedUntil = Math.max(this.pausedUntil, now + pause);
    return pause;
  }

  /** Records an accepted submit. */
  accepted(): void {
    this.strikes = 0;
    this.factor = Math.min(1, this.factor + 1 / 20);
  }

  /** The window to apply given the configured one. */
  window(configured: number): number {
    return Math.max(1, Math.floor(configured * this.factor));
  }
}
