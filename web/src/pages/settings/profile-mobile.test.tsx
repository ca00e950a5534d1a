import { act, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import i18n from '../../i18n';
import { SessionContext } from '../../session';
import { fakeApi, sessionFor } from '../../test-kit';
import { Profile } from './profile';

afterEach(async () => {
  vi.unstubAllGlobals();
  await act(() => i18n.changeLanguage('en'));
});

// Reminders do not exist yet: the page must not promise them (issue 14 item 7).
describe('the Profile page on the own mobile', () => {
  it.each([
    ['en', 'Herald sends nothing to it yet', /reminder/i],
    ['nl', 'Herald stuurt er nog niets naartoe', /herinnering/i],
    ['de', 'Herald sendet noch nichts an diese Nummer', /erinnerung/i],
    ['fr', "Herald n'y envoie encore rien", /rappel/i],
  ])('in %s, says what the number is used for now and promises no reminders', async (lang, now, reminders) => {
    await act(() => i18n.changeLanguage(lang));
    fakeApi({});
    const { container } = render(<SessionContext.Provider value={sessionFor({ mobile: null })}><Profile /></SessionContext.Provider>);
    const mobile = container.querySelector('input[name="mobile"]')!;
    const hint = document.getElementById(mobile.getAttribute('aria-describedby')!)!.textContent!;
    expect(hint).toContain(now);
    expect(hint).not.toMatch(reminders);
    expect(screen.getByRole('link', { name: i18n.t('settings.senders') })).toBeTruthy();
  });
});
