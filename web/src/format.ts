import { createContext, useContext } from 'react';

/** How dates and numbers are shown: the user's language and time zone. */
export interface Formats {
  locale: string;
  timeZone: string;
}

export const FormatContext = createContext<Formats>({ locale: 'en', timeZone: 'UTC' });

export function formatters({ locale, timeZone }: Formats) {
  const dateTime = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone });
  const date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone });
  const month = new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone });
  const day = new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone });
  const number = new Intl.NumberFormat(locale);
  const dateIn = (timeZone: string) => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeZone });
  const monthIn = (timeZone: string) => new Intl.DateTimeFormat(locale, { month: 'short', year: 'numeric', timeZone });
  const money = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
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
    /** Credit is kept in minor units (cents). */
    money: (minor: number) => money.format(minor / 100),
  };
}

export function useFormat() {
  return formatters(useContext(FormatContext));
}

/** The wall-clock value of a datetime-local input, read in `timeZone`, as an instant. */
export function zonedToIso(local: string, timeZone: string): string {
  const asUtc = new Date(`${local}:00Z`);
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
    .formatToParts(asUtc)
    .reduce<Record<string, string>>((acc, p) => ({ ...acc, [p.type]: p.value }), {});
  const shown = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return new Date(asUtc.getTime() - (shown - asUtc.getTime())).toISOString();
}

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

/** The calendar date (YYYY-MM-DD) and month of an instant in `timeZone`. */
function calendar(at: Date, timeZone: string): { year: number; month: number; day: number } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: 'numeric', day: 'numeric' }).formatToParts(at);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

const ymd = (d: Date) => d.toISOString().slice(0, 10);

/** The start of the month `back` months before the one `now` is in, as `timeZone`'s calendar has it. */
export function monthStart(now: Date, back: number, timeZone: string): string {
  const { year, month } = calendar(now, timeZone);
  return zonedToIso(`${ymd(new Date(Date.UTC(year, month - 1 - back, 1)))}T00:00`, timeZone);
}

/** The calendar day after `date` (YYYY-MM-DD): a day is not always 24 hours. */
export function nextDay(date: string): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return ymd(new Date(Date.UTC(y, m - 1, d + 1)));
}
