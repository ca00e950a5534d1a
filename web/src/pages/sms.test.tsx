import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeApi, preview } from '../test-kit';
import { Sms } from './sms';

const SENDERS = {
  data: [
    { id: null, kind: 'pool', value: 'pool', repliable: true, usable: true },
    { id: 'sid_1', kind: 'alphanumeric', value: 'Acme', repliable: false, usable: true },
    { id: 'sid_2', kind: 'mobile', value: '+32475000009', repliable: true, usable: false },
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
    fakeApi({ 'GET /v1/senders': SENDERS, 'POST /v1/messages/preview': previewRoute });
    render(<Sms />);
    const mobile = screen.getByLabelText('Mobile');
    fireEvent.change(mobile, { target: { value: '+32 2 555 12 34' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add' }));
    expect((await screen.findByRole('alert')).textContent).toBe('+32 2 555 12 34 was not added: this is not a mobile number');
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
    fakeApi({ 'GET /v1/senders': SENDERS, 'POST /v1/messages/preview': previewRoute });
    render(<Sms />);
    expect(await screen.findByText('+32475000001')).toBeTruthy();
  });

  it('hints to sign when the sender is a pool number, and keeps unverified mobiles unusable', async () => {
    fakeApi({ 'GET /v1/senders': SENDERS, 'POST /v1/messages/preview': previewRoute });
    render(<Sms />);
    const sender = (await screen.findByLabelText('Sender')) as HTMLSelectElement;
    await waitFor(() => expect(sender.value).toBe('Acme'));
    expect(screen.queryByTestId('sign-hint')).toBeNull();
    fireEvent.change(sender, { target: { value: 'pool' } });
    expect(screen.getByTestId('sign-hint').textContent).toContain('sign your message');
    const mobileOption = [...sender.options].find((o) => o.value === '+32475000009')!;
    expect(mobileOption.disabled).toBe(true);
  });

  it('sends with a fresh Idempotency-Key per click and shows the result per recipient', async () => {
    const calls = fakeApi({
      'GET /v1/senders': SENDERS,
      'POST /v1/messages/preview': previewRoute,
      'POST /v1/messages': {
        batch_id: 'bat_1', encoding: 'gsm7', parts_per_message: 1,
        accepted: [{ id: 'msg_1', to: '+32475123456', index: 0, status: 'queued', price_per_part: 5 }],
        rejected: [
          { index: 1, to: '+32475999999', code: 'recipient_suppressed', reason: 'suppressed', field: 'to[1]' },
          { index: 2, to: '+32475888888', code: 'recipient_opted_out', reason: 'replied STOP', field: 'to[2]' },
          { index: 3, to: '+32475777777', code: 'carrier_pigeon', reason: 'the pigeon is busy', field: 'to[3]' },
        ],
        cost: { parts: 1, quota_parts: 1, provision: 0 },
      },
    });
    render(<Sms />);
    for (const n of ['+32475123456', '+32475999999']) {
      fireEvent.change(screen.getByLabelText('Mobile'), { target: { value: n } });
      fireEvent.click(screen.getByRole('button', { name: 'Add' }));
      await screen.findByText(n);
    }
    fireEvent.change(screen.getByLabelText('Message'), { target: { value: 'Hello' } });
    await waitFor(() => expect((screen.getByRole('button', { name: 'Send' }) as HTMLButtonElement).disabled).toBe(false));
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    const result = await screen.findByTestId('send-result');
    expect(result.textContent).toContain('Queued');
    expect(result.textContent).toContain('Refused: the number is on the do-not-send list');
    expect(result.textContent).toContain('Refused: the recipient asked not to receive messages (STOP)');
    // A code this UI does not know yet: the server's words, not nothing.
    expect(result.textContent).toContain('Refused: the pigeon is busy');
    const send = calls.find((c) => c.method === 'POST' && c.url === '/v1/messages')!;
    expect(send.body).toEqual({ to: ['+32475123456', '+32475999999'], text: 'Hello', sender: 'Acme' });
    expect(send.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
  });
});
