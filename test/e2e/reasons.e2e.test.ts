// The server's reason, shown (issue 14 item 1): in each of the four languages,
// a refusal the API gives a reason code for appears translated beside the field
// it names (the input's aria-describedby points at it, role=alert), never as the
// generic "Something you entered is not valid": a number too short, a wrong
// verification code with the attempts left, a scheduled time in the past, and a
// shared list refusing a personal contact, whose rule is said up front too.
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import de from '../../web/src/locales/de.json' with { type: 'json' };
import en from '../../web/src/locales/en.json' with { type: 'json' };
import fr from '../../web/src/locales/fr.json' with { type: 'json' };
import nl from '../../web/src/locales/nl.json' with { type: 'json' };
import { moves, type Driver } from './driver.js';
import { browserAvailable, ensureBuilt, launchBrowser, startHerald, type Herald } from './harness.js';

const OWNER = { email: 'reasons@example.com', password: 'correct horse battery staple' };
const LOCALES = { en, nl, de, fr } as const;
type Lang = keyof typeof LOCALES;
const run = browserAvailable() ? describe : describe.skip;

/** A reason as it stands alone under a field (the locales write them to follow "Field: "). */
const sentence = (text: string) => text.charAt(0).toLocaleUpperCase() + text.slice(1);

run('the server\'s reason beside the field, in four languages', () => {
  let herald: Herald;
  let browser: Browser;
  let context: BrowserContext | null = null;
  const driver = {} as Driver;
  const { go, callApi } = moves(driver);
  let page: Page;

  async function signIn(lang: Lang) {
    context = await browser.newContext({ locale: lang, timezoneId: 'Europe/Brussels', viewport: { width: 390, height: 844 } });
    page = driver.page = await context.newPage();
    page.setDefaultTimeout(15_000);
    await page.goto(`${herald.url}/`);
    await page.locator('input[type="email"]').fill(OWNER.email);
    await page.locator('input[type="password"]').fill(OWNER.password);
    await page.locator('form button.primary').click();
    await page.locator('input[type="password"]').waitFor({ state: 'detached' });
    // The session's language wins over the browser's: the profile's choice is the user's.
    const set = await callApi('PATCH', '/v1/me', { locale: lang });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
  }

  /** The text of the note the field points at as its error, once the field is marked invalid. */
  async function reasonBeside(field: Locator): Promise<string> {
    await field.and(page.locator('[aria-invalid="true"]')).waitFor();
    const id = (await field.getAttribute('aria-describedby'))!.split(' ').find((i) => i.endsWith('-error'))!;
    const note = page.locator(`[id="${id}"]`);
    await expect(note.getAttribute('role')).resolves.toBe('alert');
    return (await note.textContent())!;
  }

  /** A phone-wide page with the reason shown still needs no sideways scrolling. */
  async function fitsPhone() {
    await expect(page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth')).resolves.toBeLessThanOrEqual(0);
  }

  beforeAll(async () => {
    await ensureBuilt();
    herald = driver.herald = await startHerald();
    browser = await launchBrowser();
    context = await browser.newContext({ locale: 'en-GB' });
    page = driver.page = await context.newPage();
    await page.goto(herald.setupLink.replace(/^http:\/\/[^/]+/, herald.url));
    await page.getByLabel('Organisation').fill('Reasons Co');
    await page.getByLabel('Name', { exact: true }).fill('Rita Reasons');
    await page.getByLabel('Email').fill(OWNER.email);
    await page.getByLabel('Password').fill(OWNER.password);
    await page.getByRole('button', { name: 'Create owner' }).click();
    await page.getByRole('heading', { name: 'Home' }).waitFor();
    // A personal contact, and a shared list it may not join.
    const made = await Promise.all([
      callApi('POST', '/v1/contacts', { name: 'Pat Personal', phones: [{ type: 'mobile', number: '+32475111222' }], address_book: 'personal' }),
      callApi('POST', '/v1/lists', { name: 'Everyone', address_book: 'shared' }),
    ]);
    for (const r of made) expect(r.status, JSON.stringify(r.body)).toBe(201);
    // One mobile per language waiting for its code, so each sees the same attempts left.
    for (const [i] of Object.keys(LOCALES).entries()) {
      const r = await callApi('POST', '/v1/senders/mobiles', { number: `+3247599900${i}` });
      expect(r.status, JSON.stringify(r.body)).toBe(202);
    }
    await context.close();
    context = null;
  }, 240_000);

  afterEach(async () => {
    await context?.close();
    context = null;
  });

  afterAll(async () => {
    await browser?.close();
    await herald?.stop();
  });

  it.each(Object.keys(LOCALES).map((lang, i) => [lang as Lang, i] as const))('in %s, says each refusal beside its field', async (lang, i) => {
    const words = LOCALES[lang];
    const generic = words.errors.invalid_request;
    await signIn(lang);

    // A number too short, under the own-mobile field where it was typed.
    await go('/settings/senders');
    const number = page.locator('input[name="number"]');
    await number.fill('+32 4');
    await number.press('Enter');
    await expect(reasonBeside(number)).resolves.toBe(sentence(words.numberProblems.too_short));

    // A wrong code, with how many tries are left.
    const code = page.locator(`input[name="code"]`).nth(i);
    await code.fill('000000');
    await code.press('Enter');
    const wrong = await reasonBeside(code);
    expect(wrong).toBe(words.reasons.code_wrong_other.replace('{{n}}', '4'));
    expect(wrong).not.toBe(generic);
    await fitsPhone();

    // A time that has passed, under the time.
    await go('/sms');
    await page.locator('#mobile').fill('+32475123456');
    await page.locator('#mobile').press('Enter');
    await page.locator('.recipients li').first().waitFor();
    await page.locator('#text').fill('See you there');
    await page.locator('#later').check();
    await page.locator('#send-at').fill('2020-01-01T10:00');
    await page.locator('form.sms-form button.primary').click();
    await expect(reasonBeside(page.locator('#send-at'))).resolves.toBe(words.reasons.send_at_past);
    await fitsPhone();

    // The shared list's rule, said before a contact is picked, and its refusal beside the search.
    await go('/lists');
    await page.locator('.list-index button', { hasText: 'Everyone' }).click();
    await page.locator('#member-q-rule', { hasText: words.reasons.sharedListRule }).waitFor();
    await page.locator('#member-q').fill('Pat');
    await page.locator('#member-q').press('Enter');
    await page.locator('button', { hasText: 'Pat Personal' }).click();
    await expect(reasonBeside(page.locator('#member-q'))).resolves.toBe(words.reasons.shared_list_personal_contact);
    await expect(page.getByText(generic).count()).resolves.toBe(0);
    await fitsPhone();
  });
});
