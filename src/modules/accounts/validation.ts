import { invalid } from '../../platform/errors.js';
import { isEmailAddress } from '../mail/index.js';

export function normaliseEmail(email: string, field = 'email'): string {
  const value = email.trim();
  if (!isEmailAddress(value)) {
    throw invalid(field, 'Not a valid email address', 'not_an_email');
  }
  return value;
}

export function checkTimezone(tz: string, field = 'timezone'): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
  } catch {
    throw invalid(field, `Unknown time zone "${tz}" (use an IANA name such as Europe/Brussels)`, 'unknown_time_zone');
  }
  return tz;
}

export function checkCountry(code: string, field = 'default_country'): string {
  const upper = code.toUpperCase();
  const name = /^[A-Z]{2}$/.test(upper) ? new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' }).of(upper) : undefined;
  if (!name) throw invalid(field, `Unknown country code "${code}" (use ISO 3166-1 alpha-2, such as BE)`, 'unknown_country');
  return upper;
}
