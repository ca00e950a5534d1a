import { describe, expect, it } from 'vitest';
import { collectGarbage } from './memory.js';

describe('collectGarbage', () => {
  it('frees what is no longer reachable, without node being started with --expose-gc', () => {
    let garbage: { i: number; s: string }[] | null = Array.from({ length: 500_000 }, (_, i) => ({ i, s: `item ${i}` }));
    const full = process.memoryUsage().heapUsed;
    expect(garbage.length).toBe(500_000);
    garbage = null;
    collectGarbage();
    expect(process.memoryUsage().heapUsed).toBeLessThan(full - 20 * 1024 * 1024);
  });
});
