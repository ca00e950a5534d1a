import { describe, expect, it } from 'vitest';
import { joinParts, planGroup, type StoredPart } from './reassembly.js';

const at = (s: number) => new Date(Date.UTC(2030, 0, 1, 12, 0, s));
const part = (id: number, sequence: number, text: string, s = 0, inboxMessageId?: string): StoredPart =>
  ({ id: String(id), sequence, text, receivedAt: at(s), ...(inboxMessageId && { inboxMessageId }) });

describe('planGroup', () => {
  it('takes parts in any order and keeps the first copy of each', () => {
    const plan = planGroup([part(9, 3, 'c'), part(10, 1, 'a'), part(11, 3, 'c'), part(12, 2, 'b')], [], 3, at(-600));
    expect(plan.ready).toBe(true);
    expect(plan.parts.map((p) => p.id)).toEqual(['10', '12', '9']);
    expect(plan.duplicates.map((p) => p.id)).toEqual(['11']);
    expect(plan.late).toEqual([]);
  });

  it('orders ids as numbers, not as text', () => {
    const plan = planGroup([part(100, 1, 'new'), part(99, 1, 'old')], [], 2, at(60));
    expect(plan.parts.map((p) => p.id)).toEqual(['99']);
  });

  it('waits for missing parts until the first one is older than the flush time', () => {
    const pending = [part(1, 1, 'a', 10), part(2, 3, 'c', 20)];
    expect(planGroup(pending, [], 3, at(9)).ready).toBe(false);
    expect(planGroup(pending, [], 3, at(10)).ready).toBe(true);
  });

  it('drops a part sent again after its message was made, but not a new message reusing the reference', () => {
    const earlier = [part(1, 1, 'a', 0, 'inb_1'), part(2, 2, 'b', 0, 'inb_1')];
    const again = planGroup([part(5, 2, 'b', 30)], earlier, 2, at(0));
    expect(again.late).toEqual([{ part: part(5, 2, 'b', 30), inboxMessageId: 'inb_1' }]);
    expect(again.ready).toBe(false);
    const reused = planGroup([part(6, 1, 'x', 40), part(7, 2, 'y', 40)], earlier, 2, at(0));
    expect(reused.late).toEqual([]);
    expect(reused.ready).toBe(true);
  });
});

describe('joinParts', () => {
  it('joins in sequence order', () => {
    expect(joinParts([{ sequence: 2, text: 'lo, ' }, { sequence: 1, text: 'Hel' }, { sequence: 3, text: 'world' }], 3)).toEqual({ text: 'Hello, world', incomplete: false });
  });

  it('marks each missing part where it belongs', () => {
    const joined = joinParts([{ sequence: 1, text: 'Start' }, { sequence: 4, text: 'end' }], 4);
    expect(joined.incomplete).toBe(true);
    expect(joined.text).toBe('Start [part 2 of 4 missing]  [part 3 of 4 missing] end');
  });
});
