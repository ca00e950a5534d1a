import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';

// Read from disk: the test setup turns imported CSS into nothing.
const css = readFileSync(`${process.cwd()}/web/src/styles.css`, 'utf8');

// WCAG 2.x contrast ratio of two #rrggbb colours.
const luminance = (hex: string) => {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255).map((c) => (c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const contrast = (a: string, b: string) => {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p) as [number, number];
  return (x + 0.05) / (y + 0.05);
};
const variable = (name: string) => {
  const hex = new RegExp(`--${name}:\\s*#([0-9a-f]{6}|[0-9a-f]{3})\\b`, 'i').exec(css)?.[1] ?? '';
  return `#${hex.length === 3 ? [...hex].map((c) => c + c).join('') : hex}`;
};

describe('the focus ring', () => {
  it('stands out (3:1 at least) on every background it is drawn on', () => {
    const focus = variable('focus');
    for (const bg of [variable('bg'), variable('card'), '#e8f0fb', '#fff3c4']) expect(contrast(focus, bg), `${focus} on ${bg}`).toBeGreaterThanOrEqual(3);
    // In the blue top bar: its own ring, white, with a dark inner edge against the white controls there.
    expect(contrast(focus, variable('accent'))).toBeLessThan(3);
    expect(css).toMatch(/\.topbar :focus-visible \{[^}]*outline: 3px solid var\(--focus-on-accent\)[^}]*box-shadow: 0 0 0 2px var\(--focus-inner\)/);
    expect(contrast(variable('focus-on-accent'), variable('accent'))).toBeGreaterThanOrEqual(3);
    expect(contrast(variable('focus-inner'), variable('card'))).toBeGreaterThanOrEqual(3);
  });
});
