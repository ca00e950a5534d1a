// The owner's own settings and the keyboard, in a real browser: a visible
// focus that starts at "Skip to content", the own mobile in the profile with
// the reason under the field when refused, and the app in Dutch.
import { describe, expect, it } from 'vitest';
import { moves } from './driver.js';
import { useHerald } from './fixture.js';
import { browserAvailable } from './harness.js';

const run = browserAvailable() ? describe : describe.skip;

run('the profile and the keyboard', () => {
  const suite = useHerald({ label: 'profile' });
  const { shot, go } = moves(suite);
  const active = (expression: string) => suite.page.evaluate<string>(`(() => { const e = document.activeElement; return ${expression}; })()`);

  it('works with the keyboard, with a visible focus', async () => {
    const { page } = suite;
    await go('/sms');
    await page.keyboard.press('Tab');
    await expect.poll(() => active('e.textContent')).toBe('Skip to content');
    expect(await active('getComputedStyle(e).outlineStyle')).not.toBe('none');
    // In the blue top bar the ring is white, not the orange that would barely show there.
    await page.keyboard.press('Tab');
    await expect.poll(() => active('e.closest(".topbar") !== null')).toBe(true);
    expect(await active('getComputedStyle(e).outlineColor')).toBe('rgb(255, 255, 255)');
    await page.getByLabel('Mobile').focus();
    await page.keyboard.type('+32475123457');
    await page.keyboard.press('Enter');
    await page.locator('.recipients li', { hasText: '+32475123457' }).waitFor();
    await page.keyboard.press('Tab');
    await expect.poll(() => active('e.textContent')).toBe('Add');
  });

  it('keeps the own mobile in the profile, with the reason under the field when refused', async () => {
    const { page } = suite;
    await go('/settings/profile');
    const mobile = page.getByLabel('Your mobile number');
    await mobile.fill('0475 12 34 56');
    await page.getByRole('button', { name: 'Save', exact: true }).first().click();
    await expect.poll(() => mobile.getAttribute('aria-invalid')).toBe('true');
    await page.locator('.field', { has: mobile }).locator('small.error', { hasText: 'international format' }).waitFor();
    await shot('settings-profile-refused');
    await mobile.fill('+32 475 12 34 56');
    await page.getByRole('button', { name: 'Save', exact: true }).first().click();
    await page.getByText('Saved.').waitFor();
    await go('/settings/profile');
    await expect.poll(() => page.getByLabel('Your mobile number').inputValue()).toBe('+32475123456');
  });

  it('switches to Dutch in the profile', async () => {
    const { page } = suite;
    try {
      await go('/settings/profile');
      await page.getByLabel('Language').selectOption('nl');
      await page.getByRole('button', { name: 'Save', exact: true }).first().click();
      await page.getByRole('link', { name: 'Contacten' }).first().waitFor();
      await page.getByRole('heading', { name: 'Instellingen' }).waitFor();
      await go('/');
      await page.getByRole('heading', { name: 'Startpagina' }).waitFor();
      expect(await page.evaluate<string>('document.documentElement.lang')).toBe('nl');
      await shot('home-nl');
      await go('/sms');
      await page.getByLabel('Gsm').waitFor();
      await shot('sms-nl');
    } finally {
      // The language is the user's, kept by Herald: back to English for the tests after this one.
      expect((await suite.api('PATCH', '/v1/me', { locale: 'en' })).status).toBe(200);
    }
  });
});
