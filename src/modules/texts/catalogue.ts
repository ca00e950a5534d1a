/** The languages Herald speaks: the web app's, and those of the SMS and emails it writes itself. */
export const LOCALES = ['en', 'nl', 'de', 'fr'] as const;
export type Locale = (typeof LOCALES)[number];

/** What the installation writes in when nothing says whose language to use. */
export const DEFAULT_LOCALE: Locale = 'en';

export interface Email {
  subject: string;
  text: string;
}

/**
 * Every text Herald writes on its own, in one language. Plain text only:
 * whatever a user typed (an account name, a reply) is put in as text, never
 * read as markup or template code.
 */
export interface Texts {
  /** Must stay one GSM-7 part in every language (texts.test.ts). */
  verificationSms(code: string, minutes: number): string;
  passwordReset(link: string, minutes: number): Email;
  invitation(link: string, accountName: string, days: number): Email;
  creditLow(available: string, threshold: string): Email;
  forwardedReply: {
    subject(from: string): string;
    from: string;
    to: string;
    received: string;
    incomplete: string;
  };
}
