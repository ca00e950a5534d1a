import { describe, expect, it } from 'vitest';
import i18n from './i18n';
import { refusalKey, refusalText } from './reasons';

describe('refused recipients', () => {
  it('translates by code, never by the English text', () => {
    expect(refusalKey('not_mobile')).toBe('numberProblems.not_mobile');
    expect(refusalKey('recipient_opted_out')).toBe('rejections.recipient_opted_out');
    expect(refusalText(i18n.getFixedT('nl'), 'zero_before_country_code', 'whatever the server says')).toContain('nul');
    expect(refusalText(i18n.getFixedT('en'), 'not_mobile', '+3222 is not a mobile number, really')).toBe('this is not a mobile number');
  });

  it('keeps the server\'s text for a code it does not know, or none', () => {
    expect(refusalKey('brand_new_code')).toBeNull();
    expect(refusalText(i18n.getFixedT('en'), 'brand_new_code', '+32475 is refused for a new reason')).toBe('+32475 is refused for a new reason');
    expect(refusalText(i18n.getFixedT('en'), null, 'no code at all')).toBe('no code at all');
  });

  it('has every known code in every language', () => {
    const codes = ['not_a_number', 'zero_before_country_code', 'unknown_country_code', 'too_short', 'too_long', 'invalid', 'not_mobile', 'premium_rate', 'country_not_allowed',
      'duplicate', 'recipient_suppressed', 'recipient_opted_out', 'no_pool_number', 'contact_has_no_mobile', 'contact_has_no_number', 'contact_not_found', 'list_not_found', 'not_a_phone_number'];
    for (const lang of ['en', 'nl', 'de', 'fr']) {
      for (const code of codes) expect(i18n.getResource(lang, 'translation', refusalKey(code)!), `${lang} ${code}`).toEqual(expect.any(String));
    }
  });
});
