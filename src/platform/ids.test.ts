import { describe, expect, it } from 'vitest';
import { encodeUnbiased, newId } from './ids.js';

describe('ids', () => {
  it('gives every character the same chance: each byte value once yields each character equally often', () => {
    const counts = new Map<string, number>();
    for (const c of encodeUnbiased(Uint8Array.from({ length: 256 }, (_, i) => i))) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(new Set(counts.values()).size).toBe(1);
  });

  it('makes prefixed, time-ordered ids of a fixed length', () => {
    const a = newId('msg');
    const b = newId('msg');
    expect(a).toMatch(/^msg_[0-9a-z]{9}[0-9A-Za-z]{14}$/);
    expect(a.length).toBe(b.length);
    expect(new Set(Array.from({ length: 2000 }, () => newId('req'))).size).toBe(2000);
  });
});
