import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../api';
import { creditChanged } from '../credit-events';
import { FormatContext } from '../format';
import { setLanguage } from '../i18n';
import { SessionContext } from '../session';
import { apiError, fakeApi, sessionFor } from '../test-kit';
import { HeaderBalance } from './balance';
import { FirstRunChecklist } from './first-run';
import { ErrorNote } from './ui';

afterEach(() => {
  vi.unstubAllGlobals();
  localStorage.clear();
  setLanguage('en');
});

const NOTHING_DONE = { credit: { done: false }, sender: { done: false }, sms_centre: { done: true, simulator: true }, test_reply: true };
const owner = (scopes = ['account:read', 'account:write', 'credit:read', 'operator']) => sessionFor({ role: 'owner' }, scopes);
const credit = (available: number, remaining = 0, monthly = 0) => ({
  quota: { monthly, remaining, held: 0, period_start: null, period_end: null }, provision: { available, held: 0 }, spending: null, currency: 'EUR',
});

describe('the first-run checklist', () => {
  it('shows each item done or not from the API, and where to do what is not done', async () => {
    fakeApi({ 'GET /v1/first-run': NOTHING_DONE });
    render(<SessionContext.Provider value={owner()}><FirstRunChecklist /></SessionContext.Provider>);
    const list = await screen.findByTestId('first-run');
    const items = [...list.querySelectorAll('li')].map((li) => [li.dataset.done, li.textContent]);
    expect(items).toEqual([
      ['false', '○Credit or a plan Not done yetAdd credit or set a plan'],
      ['false', '○A sender of your own: a name or a number Not done yetRegister a sender name'],
      ['true', '✓The SMS centre DoneThe built-in simulator: messages go nowhere real, and you can try replies.'],
    ]);
    expect(screen.getByRole('link', { name: 'Add credit or set a plan' }).getAttribute('href')).toBe('/settings/credit');
    expect(screen.getByRole('link', { name: 'Register a sender name' }).getAttribute('href')).toBe('/settings/senders');
  });

  it('tells an owner who may not add credit whom to ask', async () => {
    fakeApi({ 'GET /v1/first-run': NOTHING_DONE });
    render(<SessionContext.Provider value={owner(['account:read', 'account:write', 'credit:read'])}><FirstRunChecklist /></SessionContext.Provider>);
    expect((await screen.findByTestId('first-run')).textContent).toContain('Ask the operator of this Herald to add credit.');
  });

  it('goes once everything is done, or when put away; and is not for members', async () => {
    fakeApi({ 'GET /v1/first-run': { ...NOTHING_DONE, credit: { done: true }, sender: { done: true }, test_reply: false } });
    const { unmount } = render(<SessionContext.Provider value={owner()}><FirstRunChecklist /></SessionContext.Provider>);
    await waitFor(() => expect(document.body.textContent).toBe(''));
    unmount();
    const calls = fakeApi({ 'GET /v1/first-run': { ...NOTHING_DONE, test_reply: false } });
    const second = render(<SessionContext.Provider value={owner()}><FirstRunChecklist /></SessionContext.Provider>);
    fireEvent.click(await screen.findByRole('button', { name: 'Hide this list' }));
    expect(screen.queryByTestId('first-run')).toBeNull();
    second.unmount();
    render(<SessionContext.Provider value={sessionFor({ role: 'member' })}><FirstRunChecklist /></SessionContext.Provider>);
    expect(calls.filter((c) => c.url.startsWith('/v1/first-run'))).toHaveLength(1);
  });

  it('asks the simulator for a test reply in the user\'s language and says why it could not', async () => {
    let answer: Response | object = { from: '+447700900123', to: '+3225550700', text: '', reply_to_message_id: null };
    const calls = fakeApi({ 'GET /v1/first-run': NOTHING_DONE, 'POST /v1/sms-simulator/replies': () => answer });
    setLanguage('nl');
    render(<SessionContext.Provider value={owner()}><FirstRunChecklist /></SessionContext.Provider>);
    fireEvent.click(await screen.findByRole('button', { name: 'Stuur mij een testantwoord' }));
    await screen.findByText('Er is een testantwoord onderweg.');
    expect(calls.find((c) => c.method === 'POST')!.body).toEqual({ text: 'Bedankt, ontvangen! Dit is een testantwoord van de simulator van de sms-centrale.' });
    expect(screen.getByRole('link', { name: 'Postvak IN openen' }).getAttribute('href')).toBe('/inbox');
    answer = apiError(409, 'conflict', 'x', { reason: 'no_number_to_reply_to' });
    fireEvent.click(screen.getByRole('button', { name: 'Stuur mij een testantwoord' }));
    expect((await screen.findByRole('alert')).textContent).toMatch(/^Een antwoord kan alleen een nummer bereiken/);
  });
});

describe('the balance in the header', () => {
  it('shows included SMS and bought credit in the reader\'s format with the currency, and reads it again after a change', async () => {
    let available = 1000;
    fakeApi({ 'GET /v1/credit': () => credit(available, 12, 100) });
    setLanguage('nl');
    render(
      <SessionContext.Provider value={owner()}>
        <FormatContext.Provider value={{ locale: 'nl', timeZone: 'UTC', currency: 'EUR' }}><HeaderBalance accountId="acct_1" /></FormatContext.Provider>
      </SessionContext.Provider>,
    );
    const balance = await screen.findByTestId('header-balance');
    expect(balance.textContent).toBe('12 sms€\u00a010,00');
    expect(balance.getAttribute('aria-label')).toBe('Saldo: nog 12 inbegrepen sms, gekocht krediet €\u00a010,00');
    expect(balance.getAttribute('href')).toBe('/settings/credit');
    available = 250;
    act(() => creditChanged());
    await waitFor(() => expect(balance.textContent).toBe('12 sms€\u00a02,50'));
  });
});

describe('not enough credit', () => {
  it('links to the credit page for whoever may add credit, and says whom to ask otherwise', () => {
    const refused = new ApiError(402, 'insufficient_credit', 'Not enough credit', undefined);
    const { unmount } = render(<SessionContext.Provider value={owner()}><ErrorNote error={refused} /></SessionContext.Provider>);
    expect(screen.getByRole('alert').textContent).toBe('Not enough credit. Add credit');
    expect(screen.getByRole('link', { name: 'Add credit' }).getAttribute('href')).toBe('/settings/credit');
    unmount();
    render(<SessionContext.Provider value={sessionFor({ role: 'member' }, ['messages:write'])}><ErrorNote error={refused} /></SessionContext.Provider>);
    expect(screen.getByRole('alert').textContent).toBe('Not enough credit. Ask the owner of your account to add credit. See your credit');
  });
});
