import { describe, expect, it } from 'vitest';
import { analyseText } from '../sms-text/index.js';
import { CATALOGUE, LOCALES, formatMoney, textsFor } from './index.js';

/** Every key of a catalogue, with the number of arguments each text takes. */
function shape(value: unknown, path = ''): string[] {
  if (typeof value === 'function') return [`${path}(${value.length})`];
  if (typeof value === 'string') return [path];
  return Object.entries(value as object).flatMap(([key, v]) => shape(v, path ? `${path}.${key}` : key)).sort();
}

/** Every text a catalogue gives, filled in with sample values. */
function allTexts(locale: (typeof LOCALES)[number]): string[] {
  const t = CATALOGUE[locale];
  const emails = [t.passwordReset('https://herald.example/r#token=x', 30), t.invitation('https://herald.example/r#token=x', 'Acme', 7), t.creditLow('1.00', '5.00')];
  return [t.verificationSms('123456', 10), ...emails.flatMap((e) => [e.subject, e.text]),
    t.forwardedReply.subject('+32475000001'), t.forwardedReply.from, t.forwardedReply.to, t.forwardedReply.received, t.forwardedReply.incomplete];
}

describe('Herald\'s own texts', () => {
  it('has the same texts, taking the same arguments, in every language', () => {
    const english = shape(CATALOGUE.en);
    for (const locale of LOCALES) expect(shape(CATALOGUE[locale]), locale).toEqual(english);
  });

  it('is translated: no language repeats the English of a sentence', () => {
    const english = allTexts('en');
    for (const locale of LOCALES.filter((l) => l !== 'en')) {
      const texts = allTexts(locale);
      texts.forEach((text, i) => {
        expect(text.trim(), `${locale} #${i}`).not.toBe('');
        // Short labels may coincide (SMS, De); whole sentences may not.
        if (english[i]!.length > 20) expect(text, `${locale} #${i}`).not.toBe(english[i]);
      });
    }
  });

  it('keeps the verification SMS to one GSM-7 part in every language', () => {
    for (const locale of LOCALES) {
      // The longest code and a two-digit lifetime: the longest the text gets.
      const text = CATALOGUE[locale].verificationSms('999999', 60);
      expect(analyseText(text), `${locale}: ${text}`).toMatchObject({ encoding: 'gsm7', parts: 1 });
      expect(text).toContain('999999');
    }
  });

  it('falls back to the installation\'s language for a locale it does not speak', () => {
    expect(textsFor('nl')).toBe(CATALOGUE.nl);
    expect(textsFor('pt')).toBe(CATALOGUE.en);
    expect(textsFor(null)).toBe(CATALOGUE.en);
  });

  it('writes amounts as the reader does', () => {
    expect(formatMoney(123450n, 'en', 'EUR')).toBe('€1,234.50');
    expect(formatMoney(123450n, 'nl', 'EUR')).toBe('€\u00a01.234,50');
    expect(formatMoney(5n, 'fr', 'EUR')).toBe('0,05\u00a0€');
    expect(formatMoney(1500n, 'de', 'JPY')).toBe('1.500\u00a0¥');
  });
});
