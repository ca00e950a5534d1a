import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import i18n from '../i18n';
import { credit, fakeApi, preview } from '../test-kit';
import { Sms } from './sms';

const SENDERS = { data: [{ id: null, kind: 'pool', value: 'pool', repliable: true, usable: true, meets_name_rule: true }], default: { account: null, user: null, installation: 'pool' } };

/** Counts parts like the server for plain GSM text, with an account cap of 10. */
const previewRoute = (_url: string, init: RequestInit) => {
  const body = JSON.parse(String(init.body)) as { text: string; to?: string[] };
  const characters = [...body.text].length;
  const parts = characters <= 160 ? 1 : Math.ceil(characters / 153);
  const problem = body.text.trim() === '' ? { code: 'empty', reason: 'Text is empty' }
    : parts > 10 ? { code: 'too_many_parts', reason: `Text needs ${parts} SMS parts; the limit is 10` } : null;
  return preview({ characters, parts, problem, recipients: (body.to ?? []).map((to) => ({ to, country: 'BE', cost: 5, problem: null, problem_code: null })) });
};

afterEach(async () => {
  vi.unstubAllGlobals();
  await act(() => i18n.changeLanguage('en'));
});

async function withRecipient() {
  fakeApi({ 'GET /v1/senders': SENDERS, 'POST /v1/messages/preview': previewRoute, 'GET /v1/credit': credit() });
  render(<Sms />);
  const mobile = document.getElementById('mobile') as HTMLInputElement;
  fireEvent.change(mobile, { target: { value: '+32475123456' } });
  fireEvent.click(mobile.parentElement!.querySelector('button[type="button"]')!);
  await screen.findByText('+32475123456');
}

describe('the SMS page and the limits of a message', () => {
  it.each([
    ['en', 'The message needs 14 parts; this account sends at most 10. Shorten it to send it.'],
    ['nl', 'Het bericht heeft 14 delen nodig; dit account verstuurt er hoogstens 10. Maak het korter om het te versturen.'],
    ['de', 'Die Nachricht braucht 14 Teile; dieses Konto sendet höchstens 10. Kürzen Sie sie, um sie zu senden.'],
    ['fr', 'Le message demande 14 parties ; ce compte en envoie 10 au plus. Raccourcissez-le pour l\'envoyer.'],
  ])('in %s, turns Send off for a 2,000-character message of 14 parts and says why', async (lang, why) => {
    await act(() => i18n.changeLanguage(lang));
    await withRecipient();
    const text = document.getElementById('text') as HTMLTextAreaElement;
    const send = () => document.querySelector('button.primary') as HTMLButtonElement;
    fireEvent.change(text, { target: { value: 'x'.repeat(150) } });
    await waitFor(() => expect(send().disabled).toBe(false));
    fireEvent.change(text, { target: { value: 'x'.repeat(2000) } });
    await waitFor(() => expect(send().disabled).toBe(true));
    const note = document.getElementById(send().getAttribute('aria-describedby')!)!;
    expect(note.textContent).toBe(why);
    // Shortened back under the cap, it can be sent again.
    fireEvent.change(text, { target: { value: 'x'.repeat(1500) } });
    await waitFor(() => expect(send().disabled).toBe(false));
    expect(send().getAttribute('aria-describedby')).toBeNull();
  });

  it('does not call an untouched message empty, but does once it was typed in and cleared', async () => {
    const calls = fakeApi({ 'GET /v1/senders': SENDERS, 'POST /v1/messages/preview': previewRoute, 'GET /v1/credit': credit() });
    render(<Sms />);
    // The first preview (of the empty text) has come: the counter shows parts.
    await waitFor(() => expect(calls.some((c) => c.url.endsWith('/v1/messages/preview'))).toBe(true));
    await screen.findByTestId('count-parts');
    expect(screen.queryByText('The message is empty.')).toBeNull();
    const text = screen.getByLabelText('Message');
    fireEvent.change(text, { target: { value: 'Hi' } });
    await waitFor(() => expect(screen.getByTestId('count-characters').textContent).toMatch(/^2 /));
    fireEvent.change(text, { target: { value: '' } });
    expect(await screen.findByText('The message is empty.')).toBeTruthy();
  });
});
