import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import i18n from '../../i18n';
import { SessionContext } from '../../session';
import { apiError, errorBeside, fakeApi, sessionFor } from '../../test-kit';
import { Senders } from './senders';

afterEach(async () => {
  vi.unstubAllGlobals();
  await i18n.changeLanguage('en');
});

const refusedName = (reason: string, message: string) => () => apiError(400, 'invalid_request', message, { field: 'name', reason });

const EMPTY = { data: [], default: { account: null, user: null, installation: 'Herald' } };

describe('the sender names form', () => {
  it('sends a 12-character name as typed and shows the API\'s refusal beside the field, not "Name registered."', async () => {
    const calls = fakeApi({ 'GET /v1/senders': EMPTY, 'POST /v1/senders/names': refusedName('sender_too_long', 'A sender name has 1 to 11 characters; "AcmeBrussels" has 12') });
    render(<SessionContext.Provider value={sessionFor()}><Senders /></SessionContext.Provider>);
    const name = screen.getByLabelText(/^Name \(/) as HTMLInputElement;
    // The browser cuts what is typed or pasted to maxLength without a word.
    expect(name.maxLength).toBe(-1);
    fireEvent.change(name, { target: { value: 'AcmeBrussels' } });
    fireEvent.click(screen.getByRole('button', { name: 'Register name' }));
    await waitFor(() => expect(name.getAttribute('aria-invalid')).toBe('true'));
    expect(calls.at(-1)!.body).toEqual({ name: 'AcmeBrussels' });
    const note = errorBeside(name)!;
    expect(note.textContent).toMatch(/at most 11 characters/);
    expect(note.getAttribute('role')).toBe('alert');
    expect(screen.queryByText('Name registered.')).toBeNull();
  });

  it.each([
    ['en', /letters A–Z, digits and spaces/],
    ['nl', /letters A–Z, cijfers en spaties/],
    ['de', /Buchstaben A–Z, Ziffern und Leerzeichen/],
    ['fr', /lettres A–Z, des chiffres et des espaces/],
  ])('says in %s why "Acme Sales!" is refused', async (lang, words) => {
    await i18n.changeLanguage(lang);
    fakeApi({ 'GET /v1/senders': EMPTY, 'POST /v1/senders/names': refusedName('sender_invalid_characters', 'A sender name uses letters, digits and spaces only') });
    const { container } = render(<SessionContext.Provider value={sessionFor()}><Senders /></SessionContext.Provider>);
    const name = container.querySelector('input[name="name"]') as HTMLInputElement;
    fireEvent.change(name, { target: { value: 'Acme Sales!' } });
    fireEvent.submit(name.form!);
    await waitFor(() => expect(name.getAttribute('aria-invalid')).toBe('true'));
    expect(errorBeside(name)!.textContent).toMatch(words);
  });

  it('marks a name registered before the rule, which still sends, and says a wrong code with the tries left beside the code', async () => {
    await i18n.changeLanguage('de');
    fakeApi({
      'GET /v1/senders': { data: [
        { id: 'sid_old', kind: 'alphanumeric', value: 'Acme-Shop', repliable: false, usable: true, meets_name_rule: false },
        { id: 'sid_new', kind: 'alphanumeric', value: 'Acme', repliable: false, usable: true, meets_name_rule: true },
        { id: 'sid_mob', kind: 'mobile', value: '+32475000009', repliable: false, usable: false, meets_name_rule: true },
      ], default: { account: null, user: null, installation: 'Herald' } },
      'POST /v1/senders/mobiles/sid_mob/verify': () => apiError(400, 'invalid_request', 'The code is wrong; 3 attempts left', {
        field: 'code', reason: 'code_wrong', params: { attempts_left: 3 },
      }),
    });
    const { container } = render(<SessionContext.Provider value={sessionFor()}><Senders /></SessionContext.Provider>);
    const marked = await screen.findAllByTestId('outdated-name');
    expect(marked).toHaveLength(1);
    expect(marked[0]!.closest('tr')!.textContent).toContain('Acme-Shop');
    const code = container.querySelector('input[name="code"]') as HTMLInputElement;
    fireEvent.change(code, { target: { value: '123456' } });
    fireEvent.submit(code.form!);
    await waitFor(() => expect(code.getAttribute('aria-invalid')).toBe('true'));
    expect(errorBeside(code)!.textContent).toBe('Dieser Code ist falsch; Sie haben noch 3 Versuche.');
  });
});

