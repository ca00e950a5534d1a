import { describe, expect, it } from 'vitest';
import { aggregateStatus, canApplyReceipt } from './status.js';

describe('aggregateStatus', () => {
  it('follows a message from queued to final', () => {
    expect(aggregateStatus(['scheduled', 'scheduled'])).toBe('scheduled');
    expect(aggregateStatus(['queued', 'queued'])).toBe('queued');
    expect(aggregateStatus(['submitted', 'sending'])).toBe('queued');
    expect(aggregateStatus(['submitted', 'submitted'])).toBe('submitted');
    expect(aggregateStatus(['delivered', 'submitted'])).toBe('submitted');
    expect(aggregateStatus(['delivered', 'delivered'])).toBe('delivered');
  });

  it('shows the worst outcome once every part is final', () => {
    expect(aggregateStatus(['delivered', 'undelivered'])).toBe('undelivered');
    expect(aggregateStatus(['delivered', 'expired'])).toBe('expired');
    expect(aggregateStatus(['delivered', 'unknown'])).toBe('unknown');
    expect(aggregateStatus(['undelivered', 'failed', 'cancelled'])).toBe('failed');
    expect(aggregateStatus(['cancelled', 'cancelled'])).toBe('cancelled');
  });

  it('fails a message as soon as one part fails', () => {
    expect(aggregateStatus(['failed', 'queued'])).toBe('failed');
  });

  it('never lets a receipt undo a final state', () => {
    expect(canApplyReceipt('submitted')).toBe(true);
    for (const s of ['delivered', 'undelivered', 'failed', 'expired', 'cancelled', 'unknown'] as const) expect(canApplyReceipt(s)).toBe(false);
  });
});
