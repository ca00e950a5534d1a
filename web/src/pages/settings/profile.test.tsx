import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionContext } from '../../session';
import { apiError, errorBeside, fakeApi, sessionFor } from '../../test-kit';
import { Profile } from './profile';

afterEach(() => vi.unstubAllGlobals());

const refused = () => apiError(400, 'invalid_request', '0475 12 34 56 is not in international format', { field: 'mobile', reason: 'unknown_country_code' });

describe('the Profile page', () => {
  it('edits the own mobile directly, with the API\'s reason under the field', async () => {
    let answer: () => unknown = refused;
    const calls = fakeApi({ 'PATCH /v1/me': () => answer() });
    render(<SessionContext.Provider value={sessionFor({ mobile: '+32475000001' })}><Profile /></SessionContext.Provider>);
    const mobile = screen.getByLabelText('Your mobile number') as HTMLInputElement;
    expect(mobile.value).toBe('+32475000001');

    fireEvent.change(mobile, { target: { value: '0475 12 34 56' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(mobile.getAttribute('aria-invalid')).toBe('true'));
    const note = errorBeside(mobile)!;
    expect(note.textContent).toBe('It is not in international format (start with + and the country code) or its country code is unknown');
    // Said beside the field only: the one alert on the page is that note.
    expect(screen.getAllByRole('alert')).toEqual([note]);
    expect(calls.at(-1)!.body).toMatchObject({ mobile: '0475 12 34 56' });

    answer = () => ({ ...sessionFor().session.user, mobile: '+32475123456' });
    fireEvent.change(mobile, { target: { value: '+32 475 12 34 56' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    expect(await screen.findByText('Saved.')).toBeTruthy();
    expect(mobile.getAttribute('aria-invalid')).toBeNull();

    fireEvent.change(mobile, { target: { value: '  ' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(calls.at(-1)!.body).toMatchObject({ mobile: null }));
  });

  it('shows a refusal the API gives a reason code for in the user\'s words', async () => {
    fakeApi({ 'PATCH /v1/me': () => apiError(400, 'invalid_request', '+3222222222 is not a mobile number', { field: 'mobile', reason: 'not_mobile' }) });
    render(<SessionContext.Provider value={sessionFor({ mobile: null })}><Profile /></SessionContext.Provider>);
    const mobile = screen.getByLabelText('Your mobile number') as HTMLInputElement;
    fireEvent.change(mobile, { target: { value: '+3222222222' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    await waitFor(() => expect(mobile.getAttribute('aria-invalid')).toBe('true'));
    const note = errorBeside(mobile)!;
    expect(note.textContent).not.toBe('+3222222222 is not a mobile number');
    expect(note.textContent).toMatch(/mobile/i);
  });
});
