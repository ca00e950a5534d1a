import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiError, credit, fakeApi, preview } from '../test-kit';
import { Sms } from './sms';

const SENDERS = {
  data: [
    { id: null, kind: 'pool', value: 'pool', repliable: true, usable: true, meets_name_rule: true },
    { id: 'sid_1', kind: 'alphanumeric', value: 'Acme', repliable: false, usable: true, meets_name_rule: true },
    { id: 'sid_2', kind: 'mobile', value: '+32475000009', repliable: true, usable: false, meets_name_rule: true },
  ],
  default: { account: null, user: null, installation: 'Acme' },
};

/**
 * The preview endpoint: checks `to` like the server (a Brussels fixed line is
 * refused); a number starting +99 gets a code this UI has never heard of.
 */
const previewRoute = (_url: string, init: RequestInit) => {
  const body = JSON.parse(String(init.body)) as { text: string; to?: string[] };
  return preview({
    characters: [...body.text].length,
    recipients: (body.to ?? []).map((to) => {
      const n = to.replace(/\s/g, '');
      if (n.startsWith('+322')) return { to, country: null, cost: 0, problem: `${to} is not a mobile number`, problem_code: 'not_mobile' };
      if (n.startsWith('+99')) return { to, country: null, cost: 0, problem: `${to} is on the moon`, problem_code: 'on_the_moon' };
      return { to: n, country: 'BE', cost: 5, problem: null, problem_code: null };
    }),
  });
};

afterEach(() => {
  vi.unstubAllGlobals();
  history.replaceState(null, '', '/');
});

describe('the SMS page', () => {
  it('adds a typed number once checked, and says why a number is refused', async () => {
    fakeApi({ 'GET /v1/senders': SENDERS, 'POST /v1/messages/preview': previewRoute, 'GET /v1/credit': credit() });
    render(<Sms />);
    const mobile = screen.getByLabelText('Mobile');
    fireEvent.change(mobile, { target: { value: '+32 2 555 12 34' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    expect((await screen.findByRole('alert')).textContent).toBe('+32 2 555 12 34 was not added: this is not a mobile number');
    expect(screen.getByTestId('mobile-note').textContent).toBe('+32 2 555 12 34 was not added: this is not a mobile number');
    // The same refusal again is said again: a new node in a region that was there before.
    const first = screen.getByRole('alert').firstElementChild;
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(screen.getByRole('alert').firstElementChild).not.toBe(first));
    expect(screen.getByRole('alert').textContent).toBe('+32 2 555 12 34 was not added: this is not a mobile number');
    expect(screen.getByText('No recipients yet.')).toBeTruthy();

    fireEvent.change(mobile, { target: { value: '+99 123' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('+99 123 is on the moon'));

    fireEvent.change(mobile, { target: { value: '+32 475 12 34 56' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    expect(await screen.findByText('+32475123456')).toBeTruthy();
    expect((mobile as HTMLInputElement).value).toBe('');
  });

  it('fills in the recipient from ?to= (a mobile clicked in Contacts)', async () => {
    history.replaceState(null, '', '/sms?to=%2B32475000001');
    fakeApi({ 'GET /v1/senders': SENDERS, 'POST /v1/messages/preview': previewRoute, 'GET /v1/credit': credit() });
    render(<Sms />);
    expect(await screen.findByText('+32475000001')).toBeTruthy();
  });

  it('hints to sign when the sender is a pool number, and keeps unverified mobiles unusable', async () => {
    fakeApi({ 'GET /v1/senders': SENDERS, 'POST /v1/messages/preview': previewRoute, 'GET /v1/credit': credit() });
    render(<Sms />);
    const sender = (await screen.findByLabelText('Sender')) as HTMLSelectElement;
    await waitFor(() => expect(sender.value).toBe('Acme'));
    expect(screen.queryByTestId('sign-hint')).toBeNull();
    expect(sender.getAttribute('aria-describedby')).toBeNull();
    fireEvent.change(sender, { target: { value: 'pool' } });
    expect(screen.getByTestId('sign-hint').textContent).toContain('sign your message');
    expect(sender.getAttribute('aria-describedby')).toBe(screen.getByTestId('sign-hint').id);
    const mobileOption = [...sender.options].find((o) => o.value === '+32475000009')!;
    expect(mobileOption.disabled).toBe(true);
  });

  it('hints to sign from the installation\'s own number too, and names it as such', async () => {
    fakeApi({
      'GET /v1/senders': { data: [{ id: null, kind: 'dedicated', value: '+3228880000', repliable: false, usable: true, meets_name_rule: true }, ...SENDERS.data], default: { account: null, user: null, installation: '+3228880000' } },
      'POST /v1/messages/preview': previewRoute, 'GET /v1/credit': credit(),
    });
    render(<Sms />);
    const sender = (await screen.findByLabelText('Sender')) as HTMLSelectElement;
    await waitFor(() => expect(sender.value).toBe('+3228880000'));
    expect(sender.selectedOptions[0]!.textContent).toBe('The installation\'s number +3228880000 — no replies');
    const hint = await screen.findByTestId('sign-hint');
    expect(hint.textContent).toContain('Sign your message');
    expect(sender.getAttribute('aria-describedby')).toBe(hint.id);
    expect((screen.getByLabelText('Mobile') as HTMLInputElement).placeholder).toBe('+32 475 12 34 56');
  });

  it('prices typed numbers one by one, and contacts and lists as an estimate', async () => {
    const calls = fakeApi({
      'GET /v1/senders': SENDERS,
      'POST /v1/messages/preview': (_url: string, init: RequestInit) => {
        const body = JSON.parse(String(init.body)) as { text: string; to?: string[] };
        // A Dutch number costs more than a Belgian one.
        return preview({ recipients: (body.to ?? []).map((to) => ({ to, country: to.startsWith('+31') ? 'NL' : 'BE', cost: to.startsWith('+31') ? 9 : 5, problem: null, problem_code: null })) });
      },
      'GET /v1/credit': credit(),
      'GET /v1/contacts': { data: [], next_cursor: null },
      'GET /v1/lists': { data: [{ id: 'lst_1', address_book: 'personal', name: 'Team', description: null, members: 1500, created_at: '2026-10-01T09:00:00Z', updated_at: '2026-10-01T09:00:00Z' }], next_cursor: null },
    });
    render(<Sms />);
    for (const n of ['+32475123456', '+31612345678']) {
      fireEvent.change(screen.getByLabelText('Mobile'), { target: { value: n } });
      fireEvent.click(screen.getByRole('button', { name: 'Add' }));
      await screen.findByText(n);
    }
    await waitFor(() => expect(screen.getByTestId('count-cost').textContent).toBe('Cost €0.14'));
    expect(screen.getByTestId('send-total').textContent).toBe('2 recipients, €0.14.');
    const asked = calls.filter((c) => c.url === '/v1/messages/preview').at(-1)!;
    expect(asked.body).toMatchObject({ to: ['+32475123456', '+31612345678'] });

    fireEvent.change(screen.getByLabelText('Contact or list'), { target: { value: 'Team' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Add the list Team (1,500 members)' }));
    await waitFor(() => expect(screen.getByTestId('count-cost').textContent).toBe('Cost about €75.14'));
    expect(screen.getByTestId('send-total').textContent).toBe('1,502 recipients, about €75.14.');
  });

  it('keeps the Idempotency-Key while the same message is tried again, and changes it with the message', async () => {
    let answer = () => apiError(503, 'unavailable', 'down');
    const calls = fakeApi({ 'GET /v1/senders': SENDERS, 'POST /v1/messages/preview': previewRoute, 'GET /v1/credit': credit(), 'POST /v1/messages': () => answer() });
    render(<Sms />);
    fireEvent.change(screen.getByLabelText('Mobile'), { target: { value: '+32475123456' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    await screen.findByText('+32475123456');
    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'Hello' } });
    const button = () => screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement;
    const sends = () => calls.filter((c) => c.method === 'POST' && c.url === '/v1/messages');
    await waitFor(() => expect(button().disabled).toBe(false));
    fireEvent.click(button());
    await screen.findByText('Herald is unavailable for a moment; try again shortly.');
    await waitFor(() => expect(button().disabled).toBe(false));
    fireEvent.click(button());
    await waitFor(() => expect(sends()).toHaveLength(2));
    await waitFor(() => expect(button().disabled).toBe(false));
    expect(sends()[1]!.headers['idempotency-key']).toBe(sends()[0]!.headers['idempotency-key']);

    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'Hello again' } });
    fireEvent.click(button());
    await waitFor(() => expect(sends()).toHaveLength(3));
    expect(sends()[2]!.headers['idempotency-key']).not.toBe(sends()[0]!.headers['idempotency-key']);
    await waitFor(() => expect(button().disabled).toBe(false));

    // Refused outright (nothing sent): the next try is a new request.
    answer = () => apiError(402, 'insufficient_credit', 'no');
    fireEvent.click(button());
    await waitFor(() => expect(sends()).toHaveLength(4));
    await screen.findByText('Not enough credit.');
    fireEvent.click(button());
    await waitFor(() => expect(sends()).toHaveLength(5));
    expect(sends()[4]!.headers['idempotency-key']).not.toBe(sends()[3]!.headers['idempotency-key']);
  });

  it('sends with an Idempotency-Key and shows the result per recipient', async () => {
    const calls = fakeApi({
      'GET /v1/senders': SENDERS,
      'POST /v1/messages/preview': previewRoute, 'GET /v1/credit': credit(),
      'GET /v1/contacts': { data: [{ id: 'ctc_gone', address_book: 'personal', name: 'Gone Contact', organisation: null, phones: [{ type: 'mobile', number: '+32475000002' }], emails: [], notes: null, tags: [], created_at: '2026-10-01T09:00:00Z', updated_at: '2026-10-01T09:00:00Z' }], next_cursor: null },
      'GET /v1/lists': { data: [], next_cursor: null },
      'POST /v1/messages': {
        batch_id: 'bat_1', encoding: 'gsm7', parts_per_message: 1,
        accepted: [{ id: 'msg_1', to: '+32475123456', index: 0, status: 'queued', price_per_part: 5 }],
        rejected: [
          { index: 1, to: '+32475999999', code: 'recipient_suppressed', reason: 'suppressed', field: 'to[1]' },
          { index: 2, to: '+32475888888', code: 'recipient_opted_out', reason: 'replied STOP', field: 'to[2]' },
          { index: 3, to: '+32475777777', code: 'carrier_pigeon', reason: 'the pigeon is busy', field: 'to[3]' },
          { index: 2, to: 'ctc_gone', code: 'contact_not_found', reason: 'No contact ctc_gone', field: 'to[2]' },
        ],
        cost: { parts: 1, quota_parts: 1, provision: 0 }, currency: 'EUR',
      },
    });
    render(<Sms />);
    for (const n of ['+32475123456', '+32475999999']) {
      fireEvent.change(screen.getByLabelText('Mobile'), { target: { value: n } });
      fireEvent.click(screen.getByRole('button', { name: 'Add' }));
      await screen.findByText(n);
    }
    fireEvent.change(screen.getByLabelText('Contact or list'), { target: { value: 'Gone' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    fireEvent.click(await screen.findByRole('button', { name: 'Add Gone Contact (+32475000002)' }));
    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'Hello' } });
    await waitFor(() => expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    const result = await screen.findByTestId('send-result');
    expect(result.textContent).toContain('Queued');
    expect(result.textContent).toContain('Refused: the number is on the do-not-send list');
    expect(result.textContent).toContain('Refused: the recipient asked not to receive messages (STOP)');
    // A code this UI does not know yet: the server's words, not nothing.
    expect(result.textContent).toContain('Refused: the pigeon is busy');
    // A contact deleted meanwhile: its name, not its id.
    expect(result.textContent).toContain('Gone ContactRefused: the contact no longer exists');
    expect(result.textContent).not.toContain('ctc_gone');
    expect(screen.getByRole('status').textContent).toContain('Used: 1 part, 1 from the monthly SMS');
    expect(result.parentElement!.className).toBe('table-wrap');
    const send = calls.find((c) => c.method === 'POST' && c.url === '/v1/messages')!;
    expect(send.body).toEqual({ to: ['+32475123456', '+32475999999', { contact: 'ctc_gone' }], text: 'Hello', sender: 'Acme' });
    expect(send.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
