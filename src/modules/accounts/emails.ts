import { textsFor, type Email, type Locale } from '../texts/index.js';

// The emails this module sends, in the recipient's language (modules/texts).

export function passwordResetEmail(link: string, minutes: number, locale: Locale): Email {
  return textsFor(locale).passwordReset(link, minutes);
}

export function invitationEmail(link: string, accountName: string, days: number, locale: Locale): Email {
  // The subject is one header line, whatever the name holds.
  return textsFor(locale).invitation(link, accountName.replace(/[\r\n]+/g, ' '), days);
}
