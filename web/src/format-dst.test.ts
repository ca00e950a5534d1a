import { describe, expect, it } from 'vitest';
import { monthStart, zonedToIso } from './format';

// Local times across both daylight-saving changes, in zones whose clocks change
// forward and back at different local hours, in both hemispheres, with a
// half-hour offset and with none. A time that does not exist (clocks going forward)
// is read with the offset before the change, landing after the gap; a time that
// exists twice (clocks going back) is the earlier of its two instants.

const two = (n: number) => String(n).padStart(2, '0');

describe('local time to an instant across daylight saving', () => {
  it('Europe/Brussels: 02:00→03:00 on 29 March 2026, 03:00→02:00 on 25 October 2026', () => {
    const z = 'Europe/Brussels';
    // The case reported: the night the clocks went forward in 2025, 01:30 is still winter time.
    expect(zonedToIso('2025-03-30T01:30', z)).toBe('2025-03-30T00:30:00.000Z');
    expect(zonedToIso('2026-03-29T01:59', z)).toBe('2026-03-29T00:59:00.000Z');
    expect(zonedToIso('2026-03-29T02:00', z)).toBe('2026-03-29T01:00:00.000Z'); // gap: 03:00 summer time
    expect(zonedToIso('2026-03-29T02:30', z)).toBe('2026-03-29T01:30:00.000Z'); // gap: 03:30 summer time
    expect(zonedToIso('2026-03-29T03:00', z)).toBe('2026-03-29T01:00:00.000Z');
    expect(zonedToIso('2026-03-29T12:00', z)).toBe('2026-03-29T10:00:00.000Z');
    expect(zonedToIso('2026-10-25T01:59', z)).toBe('2026-10-24T23:59:00.000Z');
    expect(zonedToIso('2026-10-25T02:00', z)).toBe('2026-10-25T00:00:00.000Z'); // twice: the first
    expect(zonedToIso('2026-10-25T02:30', z)).toBe('2026-10-25T00:30:00.000Z'); // twice: the first
    expect(zonedToIso('2026-10-25T03:00', z)).toBe('2026-10-25T02:00:00.000Z');
    expect(zonedToIso('2026-10-25T12:00', z)).toBe('2026-10-25T11:00:00.000Z');
  });

  it('Australia/Sydney: every hour of the days around both changes, the ten that were wrong included', () => {
    const z = 'Australia/Sydney';
    // 5 April 2026 03:00 AEDT (+11) → 02:00 AEST (+10), at 2026-04-04T16:00Z.
    // 4 October 2026 02:00 AEST (+10) → 03:00 AEDT (+11), at 2026-10-03T16:00Z.
    const expected = (day: string, hour: number, offset: number) =>
      new Date(Date.parse(`${day}T${two(hour)}:30:00Z`) - offset * 3_600_000).toISOString();
    for (let h = 0; h < 24; h++) {
      expect(zonedToIso(`2026-04-04T${two(h)}:30`, z), `4 April ${h}:30`).toBe(expected('2026-04-04', h, 11));
      // 02:30 on 5 April happens twice: the first, in summer time.
      expect(zonedToIso(`2026-04-05T${two(h)}:30`, z), `5 April ${h}:30`).toBe(expected('2026-04-05', h, h <= 2 ? 11 : 10));
      expect(zonedToIso(`2026-10-03T${two(h)}:30`, z), `3 October ${h}:30`).toBe(expected('2026-10-03', h, 10));
      // 02:30 on 4 October does not exist: 03:30 summer time, the same instant as 03:30.
      expect(zonedToIso(`2026-10-04T${two(h)}:30`, z), `4 October ${h}:30`).toBe(expected('2026-10-04', h, h <= 2 ? 10 : 11));
    }
    // Spelled out, the hours that came out an hour wrong: 16:30 on 4 April to 01:30 on 5 April.
    expect(zonedToIso('2026-04-04T16:30', z)).toBe('2026-04-04T05:30:00.000Z');
    expect(zonedToIso('2026-04-05T01:30', z)).toBe('2026-04-04T14:30:00.000Z');
    expect(zonedToIso('2026-10-03T16:30', z)).toBe('2026-10-03T06:30:00.000Z');
    expect(zonedToIso('2026-10-04T01:30', z)).toBe('2026-10-03T15:30:00.000Z');
    expect(zonedToIso('2026-10-04T02:30', z)).toBe('2026-10-03T16:30:00.000Z');
    expect(zonedToIso('2026-10-04T03:30', z)).toBe('2026-10-03T16:30:00.000Z');
  });

  it('America/New_York: 02:00→03:00 on 8 March 2026, 02:00→01:00 on 1 November 2026', () => {
    const z = 'America/New_York';
    expect(zonedToIso('2026-03-08T01:59', z)).toBe('2026-03-08T06:59:00.000Z');
    expect(zonedToIso('2026-03-08T02:30', z)).toBe('2026-03-08T07:30:00.000Z'); // gap: 03:30 EDT
    expect(zonedToIso('2026-03-08T03:00', z)).toBe('2026-03-08T07:00:00.000Z');
    expect(zonedToIso('2026-03-07T20:00', z)).toBe('2026-03-08T01:00:00.000Z');
    expect(zonedToIso('2026-03-08T20:00', z)).toBe('2026-03-09T00:00:00.000Z');
    expect(zonedToIso('2026-11-01T00:59', z)).toBe('2026-11-01T04:59:00.000Z');
    expect(zonedToIso('2026-11-01T01:00', z)).toBe('2026-11-01T05:00:00.000Z'); // twice: the first, EDT
    expect(zonedToIso('2026-11-01T01:30', z)).toBe('2026-11-01T05:30:00.000Z'); // twice: the first, EDT
    expect(zonedToIso('2026-11-01T02:00', z)).toBe('2026-11-01T07:00:00.000Z');
    expect(zonedToIso('2026-10-31T21:00', z)).toBe('2026-11-01T01:00:00.000Z');
  });

  it('America/Santiago, southern and changing at midnight: 24:00→23:00 on 4 April 2026, 00:00→01:00 on 6 September 2026', () => {
    const z = 'America/Santiago';
    // Summer (-03) ends: midnight 5 April becomes 23:00 on 4 April again.
    expect(zonedToIso('2026-04-04T22:59', z)).toBe('2026-04-05T01:59:00.000Z');
    expect(zonedToIso('2026-04-04T23:30', z)).toBe('2026-04-05T02:30:00.000Z'); // twice: the first, -03
    expect(zonedToIso('2026-04-05T00:00', z)).toBe('2026-04-05T04:00:00.000Z');
    // Winter (-04) ends: 00:00–00:59 on 6 September do not exist.
    expect(zonedToIso('2026-09-05T23:59', z)).toBe('2026-09-06T03:59:00.000Z');
    expect(zonedToIso('2026-09-06T00:00', z)).toBe('2026-09-06T04:00:00.000Z'); // gap: 01:00 -03
    expect(zonedToIso('2026-09-06T00:30', z)).toBe('2026-09-06T04:30:00.000Z'); // gap: 01:30 -03
    expect(zonedToIso('2026-09-06T01:00', z)).toBe('2026-09-06T04:00:00.000Z');
    // A month starts at midnight on the zone's calendar, in the offset of that midnight.
    expect(monthStart(new Date('2026-09-20T12:00:00Z'), 0, z)).toBe('2026-09-01T04:00:00.000Z');
  });

  it('America/Sao_Paulo kept its old changes: 00:00→01:00 on 4 November 2018, 00:00→23:00 on 17 February 2019', () => {
    const z = 'America/Sao_Paulo';
    expect(zonedToIso('2018-11-03T23:59', z)).toBe('2018-11-04T02:59:00.000Z');
    expect(zonedToIso('2018-11-04T00:00', z)).toBe('2018-11-04T03:00:00.000Z'); // gap: 01:00 -02
    expect(zonedToIso('2018-11-04T00:30', z)).toBe('2018-11-04T03:30:00.000Z'); // gap: 01:30 -02
    expect(zonedToIso('2018-11-04T01:00', z)).toBe('2018-11-04T03:00:00.000Z');
    expect(zonedToIso('2019-02-16T23:30', z)).toBe('2019-02-17T01:30:00.000Z'); // twice: the first, -02
    expect(zonedToIso('2019-02-17T00:00', z)).toBe('2019-02-17T03:00:00.000Z');
    // No daylight saving since 2019.
    expect(zonedToIso('2026-01-15T09:00', z)).toBe('2026-01-15T12:00:00.000Z');
    expect(zonedToIso('2026-07-15T09:00', z)).toBe('2026-07-15T12:00:00.000Z');
  });

  it('Asia/Kolkata keeps +05:30 all year, a half-hour offset over the day line', () => {
    const z = 'Asia/Kolkata';
    expect(zonedToIso('2026-03-29T02:30', z)).toBe('2026-03-28T21:00:00.000Z');
    expect(zonedToIso('2026-10-25T02:30', z)).toBe('2026-10-24T21:00:00.000Z');
    expect(zonedToIso('2026-01-01T05:29', z)).toBe('2025-12-31T23:59:00.000Z');
    expect(zonedToIso('2026-07-01T12:00', z)).toBe('2026-07-01T06:30:00.000Z');
    expect(monthStart(new Date('2026-02-28T20:00:00Z'), 0, z)).toBe('2026-02-28T18:30:00.000Z');
  });

  it('UTC has no change at all', () => {
    for (const local of ['2026-03-29T02:30', '2026-10-25T02:30', '2026-04-05T02:30', '2026-11-01T01:30']) {
      expect(zonedToIso(local, 'UTC')).toBe(`${local}:00.000Z`);
    }
  });

  it('refuses what is not a local date and time', () => {
    expect(() => zonedToIso('2026-03-29', 'UTC')).toThrow(RangeError);
  });
});
