import { DEFAULT_LOCALE, LOCALES, type Locale, type Texts } from './catalogue.js';
import { de } from './de.js';
import { en } from './en.js';
import { fr } from './fr.js';
import { nl } from './nl.js';

export { DEFAULT_LOCALE, LOCALES, type Email, type Locale, type Texts } from './catalogue.js';

export const CATALOGUE: Record<Locale, Texts> = { en, nl, de, fr };

export function isLocale(value: unknown): value is Locale {
  return (LOCALES as readonly unknown[]).includes(value);
}

/** A stored locale as one Herald speaks; anything else (unset, retired) is the default. */
export function toLocale(value: string | null | undefined): Locale {
  return isLocale(value) ? value : DEFAULT_LOCALE;
}

/** Herald's own texts in the recipient's language. */
export function textsFor(locale: string | null | undefined): Texts {
  return CATALOGUE[toLocale(locale)];
}

/** An amount in minor units as the recipient writes it (€ 1.234,50 in nl), with the currency's own decimals (none for JPY). */
export function formatMoney(minor: bigint, locale: Locale, currency: string): string {
  const format = new Intl.NumberFormat(locale, { style: 'currency', currency });
  const scale = 10 ** (format.resolvedOptions().maximumFractionDigits ?? 2);
  return format.format(Number(minor) / scale);
}
