import { describe, expect, it } from 'vitest';
import { createBatcher } from './batcher.js';

describe('createBatcher', () => {
  it('groups items that arrive together and answers each', async () => {
    const flushes: number[][] = [];
    const b = createBatcher<number, number>(async (items) => {
      flushes.push(items);
      return items.map((i) => (i === 3 ? { ok: false, error: new Error('three') } : { ok: true, value: i * 10 }));
    }, { maxWaitMs: 5 });
    const results = await Promise.allSettled([1, 2, 3, 4].map((i) => b.add(i)));
    expect(flushes).toEqual([[1, 2, 3, 4]]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([10, 20, 'three', 40]);
    await b.close();
  });

  it('fills the next group while a flush runs, and keeps to maxItems', async () => {
    const flushes: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const b = createBatcher<number>(async (items) => {
      flushes.push(items);
      if (flushes.length === 1) await gate;
    }, { maxItems: 3, maxWaitMs: 1 });
    const first = b.add(0);
    await new Promise((r) => setTimeout(r, 10));
    const rest = [1, 2, 3, 4, 5].map((i) => b.add(i));
    release();
    await Promise.all([first, ...rest]);
    expect(flushes).toEqual([[0], [1, 2, 3], [4, 5]]);
    await b.close();
  });

  it('fails every item of a flush that throws, and refuses items once closed', async () => {
    const b = createBatcher<number>(async () => {
      throw new Error('database down');
    });
    await expect(b.add(1)).rejects.toThrow('database down');
    await b.close();
    await expect(b.add(2)).rejects.toThrow('closed');
  });
});

describe('createBatcher with concurrency', () => {
  it('runs up to that many flushes at once and still answers every item', async () => {
    let active = 0;
    let most = 0;
    const b = createBatcher<number, number>(async (items) => {
      active++;
      most = Math.max(most, active);
      await new Promise((r) => setTimeout(r, 20));
      active--;
      return items.map((i) => ({ ok: true, value: i }));
    }, { maxItems: 2, maxWaitMs: 1, concurrency: 3 });
    const values = await Promise.all(Array.from({ length: 12 }, (_, i) => b.add(i)));
    expect(values).toEqual(Array.from({ length: 12 }, (_, i) => i));
    expect(most).toBe(3);
    await b.close();
  });

  it('with maxWaitMs 0, flushes what arrived in one turn of the event loop together', async () => {
    const flushes: number[][] = [];
    const b = createBatcher<number>(async (items) => void flushes.push(items), { maxWaitMs: 0 });
    await Promise.all([1, 2, 3].map((i) => b.add(i)));
    await new Promise((r) => setImmediate(r));
    await b.add(4);
    expect(flushes).toEqual([[1, 2, 3], [4]]);
    await b.close();
  });
});

