import { describe, expect, it } from 'vitest';
import { formatters, zonedToIso } from './format';

describe('formats', () => {
  it('reads a date and time typed in the user\'s time zone', () => {
    expect(zonedToIso('2026-07-01T09:30', 'Europe/Brussels')).toBe('2026-07-01T07:30:00.000Z');
    expect(zonedToIso('2026-01-15T09:30', 'Europe/Brussels')).toBe('2026-01-15T08:30:00.000Z');
    expect(zonedToIso('2026-01-15T09:30', 'UTC')).toBe('2026-01-15T09:30:00.000Z');
  });

  it('shows numbers and dates in the user\'s language and zone', () => {
    const nl = formatters({ locale: 'nl', timeZone: 'Europe/Amsterdam' });
    expect(nl.money(123456)).toBe('1.234,56');
    expect(nl.dateTime('2026-03-01T23:30:00Z')).toMatch(/2 mrt 2026/);
    const en = formatters({ locale: 'en', timeZone: 'UTC' });
    expect(en.money(123456)).toBe('1,234.56');
  });
});
