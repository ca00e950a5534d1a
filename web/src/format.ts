import { TZDate, tzOffset } from '@date-fns/tz';
import { createContext, useContext } from 'react';

/** How dates, numbers and money are shown: the user's language and time zone, the installation's currency. */
export interface Formats {
  locale: string;
  timeZone: string;
  /** ISO 4217, as the API answers it (`currency`); EUR until known. */
  currency?: string;
}

export const FormatContext = createContext<Formats>({ locale: 'en', timeZone: 'UTC' });

/**
 * Money as the reader's language writes it, with its currency: amounts come
 * in minor units of `currency` (cents; none for JPY), so the currency's own
 * number of decimals turns them into its main unit.
 */
export function moneyFormat(locale: string, currency: string) {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  const scale = 10 ** digits;
  return {
    code: currency,
    format: (minor: number) => format.format(minor / scale),
    /** Decimals an amount input takes (its `step` is 10^-digits). */
    digits,
    /** What a person typed (a comma or a point for decimals) in minor units; NaN when it is no number. */
    toMinor: (typed: string) => Math.round(Number(typed.trim().replace(',', '.')) * scale),
    /** Minor units as an amount input shows them. */
    fromMinor: (minor: number) => minor / scale,
  };
}

export function formatters({ locale, timeZone, currency = 'EUR' }: Formats) {
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone });
  const month = new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone });
  const day = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone });
  const number = new Intl.NumberFormat(locale);
  const dateIn = (timeZone: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone });
  const monthIn = (timeZone: string) => new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone });
  const money = moneyFormat(locale, currency);
  return {
    locale,
    dateTime: (iso: string | null | undefined) => (iso ? dateTime.format(new Date(iso)) : '—'),
    date: (iso: string) => date.format(new Date(iso)),
    month: (iso: string) => month.format(new Date(iso)),
    day: (iso: string) => day.format(new Date(iso)),
    /** A date as another zone's calendar has it (the account's, which its months and quota periods follow). */
    dateIn: (iso: string, zone: string) => dateIn(zone).format(new Date(iso)),
    monthIn: (iso: string, zone: string) => monthIn(zone).format(new Date(iso)),
    number: (n: number) => number.format(n),
    /** An amount in minor units of the installation's currency, with that currency. */
    money: money.format,
    currency: money,
  };
}

export function useFormat() {
  return formatters(useContext(FormatContext));
}

/**
 * The wall-clock value of a datetime-local input (`YYYY-MM-DDTHH:mm`), read in
 * `timeZone`, as an instant. The zone's offsets come from `@date-fns/tz`; only the
 * choice between them is made here, as Temporal's 'compatible' disambiguation does:
 * - a time that exists twice (clocks going back) is the earlier instant, the first
 *   time the clock shows it;
 * - a time that does not exist (clocks going forward) is read with the offset in
 *   force before the change, so it lands as far after the gap as it was into it
 *   (02:30 on a day Brussels goes from 02:00 to 03:00 is 03:30 summer time).
 * The TZDate constructor alone is not enough: which of two instants it picks for a
 * repeated time depends on the browser's own zone.
 */
export function zonedToIso(local: string, timeZone: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(local);
  if (!match) throw new RangeError(`Not a local date and time: ${local}`);
  const [y, mo, d, h, mi, s] = match.slice(1).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  // The wall clock as if it were UTC: a key to compare offsets against, not an instant.
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  // A day either side reaches past any change that could touch this wall time.
  const before = tzOffset(timeZone, new Date(wall - DAY_MS));
  const after = tzOffset(timeZone, new Date(wall + DAY_MS));
  const at = (offset: number) => wall - offset * MINUTE_MS;
  const shows = (instant: number) => {
    const z = new TZDate(instant, timeZone);
    return z.getFullYear() === y && z.getMonth() === mo - 1 && z.getDate() === d && z.getHours() === h && z.getMinutes() === mi;
  };
  const candidates = [before, after].map(at).filter(shows).sort((a, b) => a - b);
  return new Date(candidates[0] ?? at(before)).toISOString();
}

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/**
 * The locale to format with: the user's language, with the region the browser
 * prefers for that language (en-GB, de-AT, nl-BE, fr-BE…), else the language alone.
 */
export function localeFor(language: string, preferred: readonly string[] = typeof navigator === 'undefined' ? [] : navigator.languages ?? [navigator.language]): string {
  for (const tag of preferred) {
    try {
      const l = new Intl.Locale(tag);
      if (l.language === language && l.region) return `${language}-${l.region}`;
    } catch {
      // Not a language tag: skip it.
    }
  }
  return language;
}

const ymd = (d: Date) => d.toISOString().slice(0, 10);

/** The start of the month `back` months before the one `now` is in, as `timeZone`'s calendar has it. */
export function monthStart(now: Date, back: number, timeZone: string): string {
  const here = new TZDate(now.getTime(), timeZone);
  return zonedToIso(`${ymd(new Date(Date.UTC(here.getFullYear(), here.getMonth() - back, 1)))}T00:00`, timeZone);
}

/** The calendar day after `date` (YYYY-MM-DD): a day is not always 24 hours. */
export function nextDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return ymd(new Date(Date.UTC(y, m - 1, d + 1)));
}
