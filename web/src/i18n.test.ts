import { afterEach, describe, expect, it } from 'vitest';
import i18n, { setLanguage } from './i18n';

afterEach(() => setLanguage('en'));

describe('the page\'s language', () => {
  it('follows the language chosen, however it changes', async () => {
    setLanguage('de');
    expect(document.documentElement.lang).toBe('de');
    await i18n.changeLanguage('fr');
    expect(document.documentElement.lang).toBe('fr');
  });
});
