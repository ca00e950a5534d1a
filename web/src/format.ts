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
  const money = new Intl.NumberFormat(locale, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
  return {
    locale,
    dateTime: (iso: string | null | undefined) => (iso ? dateTime.format(new Date(iso)) : '—'),
    date: (iso: string) => date.format(new Date(iso)),
    month: (iso: string) => month.format(new Date(iso)),
    day: (iso: string) => day.format(new Date(iso)),
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
