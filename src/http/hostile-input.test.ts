import fastQuerystring from 'fast-querystring';
import { describe, expect, it } from 'vitest';
import { findHostileText, isHostileText, parseQuery } from './hostile-input.js';

describe('isHostileText', () => {
  it('flags NUL and lone surrogates, not pairs or other control characters', () => {
    for (const bad of ['\0', 'a\u0000b', '\uD800', 'x\uDBFFy', '\uDC00', 'a\uDFFF', '\uDC00\uD800']) expect(isHostileText(bad), JSON.stringify(bad)).toBe(true);
    for (const good of ['', 'plain', '😀', 'a\uD83D\uDE00b', '\u0001\t\n', '\uFFFD', 'é€']) expect(isHostileText(good), JSON.stringify(good)).toBe(false);
  });
});

describe('findHostileText', () => {
  it('names the field as validation errors do, keys included', () => {
    expect(findHostileText({ name: 'ok', to: ['+32', { contact: 'ctc_\0' }] })).toBe('to[1].contact');
    expect(findHostileText({ config: { 'a\uD800': 1 } })).toBe('config.a\\ud800');
    expect(findHostileText('\0')).toBe('');
    expect(findHostileText({ n: 1, b: true, z: null, s: 'fine' })).toBeNull();
  });

  it('walks a deeply nested body without overflowing the stack', () => {
    let deep: unknown = 'a\0';
    for (let i = 0; i < 200_000; i++) deep = [deep];
    expect(findHostileText(deep)).toMatch(/^(\[0\]){200000}$/);
  });
});

describe('parseQuery', () => {
  it('parses as fast-querystring does', () => {
    for (const q of ['', 'a=1', 'a=1&b=2', 'a=1&a=2&a=3', 'a', 'a=', '=x', 'q=a+b%20c', 'to=%2B32475', 'a=1&&b=2', '%C3%A9=%E2%82%AC', 'x=%00']) {
      expect({ ...parseQuery(q) }, q).toEqual({ ...fastQuerystring.parse(q) });
    }
  });

  it('refuses to keep an escape that is not UTF-8 as raw text', () => {
    const parsed = parseQuery('q=%ED%A0%80&b=1');
    expect(Object.entries(parsed)).toEqual([['b', '1']]);
    expect(Object.getOwnPropertySymbols(parsed)).toHaveLength(1);
  });
});
