import { describe, expect, it } from 'vitest';
import { formatters, localeFor, monthStart, nextDay, zonedToIso } from './format';

describe('formats', () => {
  it('reads a date and time typed in the user\'s time zone', () => {
    expect(zonedToIso('2026-07-01T09:30', 'Europe/Brussels')).toBe('2026-07-01T07:30:00.000Z');
    expect(zonedToIso('2026-01-15T09:30', 'Europe/Brussels')).toBe('2026-01-15T08:30:00.000Z');
    expect(zonedToIso('2026-01-15T09:30', 'UTC')).toBe('2026-01-15T09:30:00.000Z');
  });

  it('shows numbers and dates in the user\'s language and zone', () => {
    const nl = formatters({ locale: 'nl', timeZone: 'Europe/Amsterdam' });
    expect(nl.money(123456)).toBe('€\u00a01.234,56');
    expect(nl.dateTime('2026-03-01T23:30:00Z')).toMatch(/2 mrt 2026/);
    const en = formatters({ locale: 'en', timeZone: 'UTC' });
    expect(en.money(123456)).toBe('€1,234.56');
  });

  it('shows every amount with the installation\'s currency, in its own decimals and the reader\'s way of writing it', () => {
    // Intl separates with a no-break space where a language puts one.
    const plain = (s: string) => s.replace(/[\u00a0\u202f]/g, ' ');
    expect(plain(formatters({ locale: 'nl', timeZone: 'UTC', currency: 'EUR' }).money(1000))).toBe('€ 10,00');
    expect(plain(formatters({ locale: 'de', timeZone: 'UTC', currency: 'EUR' }).money(1000))).toBe('10,00 €');
    expect(plain(formatters({ locale: 'fr', timeZone: 'UTC', currency: 'GBP' }).money(123456))).toBe('1 234,56 £GB');
    expect(formatters({ locale: 'en', timeZone: 'UTC', currency: 'USD' }).money(5)).toBe('$0.05');
    // No minor unit: 500 yen are 500 minor units.
    const yen = formatters({ locale: 'en', timeZone: 'UTC', currency: 'JPY' });
    expect(yen.money(500)).toBe('¥500');
    expect(yen.currency.toMinor('500')).toBe(500);
    expect(formatters({ locale: 'nl', timeZone: 'UTC' }).currency.toMinor('10,5')).toBe(1050);
  });

  it('takes the region from the browser when its language is the user\'s', () => {
    expect(localeFor('en', ['en-GB', 'en'])).toBe('en-GB');
    expect(localeFor('de', ['nl-BE', 'de-AT'])).toBe('de-AT');
    expect(localeFor('nl', ['fr-BE', 'nl'])).toBe('nl');
    expect(localeFor('fr', ['en-US'])).toBe('fr');
    expect(localeFor('fr', ['not a tag', 'fr-BE'])).toBe('fr-BE');
    // What it changes: en-GB writes the day first, de-AT calls January Jänner.
    expect(formatters({ locale: localeFor('en', ['en-GB']), timeZone: 'UTC' }).date('2026-01-05T12:00:00Z')).toBe('5 Jan 2026');
    expect(formatters({ locale: localeFor('de', ['de-AT']), timeZone: 'UTC' }).month('2026-01-05T12:00:00Z')).toMatch(/Jän/);
  });

  it('counts months and days on a zone\'s calendar, not in UTC nor in 24-hour steps', () => {
    // 23:30 UTC on 31 March is already April in Brussels.
    expect(monthStart(new Date('2026-03-31T23:30:00Z'), 0, 'Europe/Brussels')).toBe('2026-03-31T22:00:00.000Z');
    expect(monthStart(new Date('2026-03-31T23:30:00Z'), 5, 'Europe/Brussels')).toBe('2025-10-31T23:00:00.000Z');
    expect(monthStart(new Date('2026-01-10T12:00:00Z'), 2, 'UTC')).toBe('2025-11-01T00:00:00.000Z');
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
    expect(nextDay('2028-02-28')).toBe('2028-02-29');
    // The day clocks go back in Brussels has 25 hours.
    expect(zonedToIso(`${nextDay('2026-10-25')}T00:00`, 'Europe/Brussels')).toBe('2026-10-25T23:00:00.000Z');
    // A month's exclusive end, shown as its last day on the account's calendar.
    const f = formatters({ locale: 'en-GB', timeZone: 'Asia/Tokyo' });
    expect(f.dateIn(new Date(Date.parse('2026-06-30T22:00:00Z') - 1).toISOString(), 'Europe/Brussels')).toBe('30 Jun 2026');
    expect(f.monthIn('2026-05-31T22:00:00Z', 'Europe/Brussels')).toBe('Jun 2026');
  });
});
