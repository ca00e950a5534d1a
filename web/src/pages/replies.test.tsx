import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { RecipientList, RecipientSearch, type Recipient } from '../components/recipients';
import { credit, fakeApi, preview } from '../test-kit';
import { Inbox } from './inbox';
import { QuotaChart } from './settings/quota-chart';
import { Sent } from './sent';
import { Sms } from './sms';

afterEach(() => {
  vi.unstubAllGlobals();
  history.replaceState(null, '', '/');
});

const POOL_NUMBER = '+3225550401';
const item = (over: Record<string, unknown> = {}) => ({
  id: 'inb_1', from: '+32475300001', to: POOL_NUMBER, text: 'On my way', parts: 1, incomplete: false, opt_out: null, received_at: '2026-11-22T18:00:00Z',
  read: false, read_at: null, reply_to: null, contact_name: 'Ann Peeters', opted_out: false, suppressed: false, ...over,
});
const inbox = (items: unknown[]) => ({ 'GET /v1/inbox': { data: items, next_cursor: null, unread_count: items.length }, 'GET /v1/inbox/forwarding-rules': { data: [] } });

describe('Inbox replies', () => {
  it('names the sender and replies from the number the customer wrote to', async () => {
    fakeApi(inbox([item()]));
    render(<Inbox />);
    const reply = await screen.findByRole('link', { name: 'Reply to Ann Peeters' });
    const href = new URL(reply.getAttribute('href')!, 'http://x');
    expect(href.pathname).toBe('/sms');
    expect(Object.fromEntries(href.searchParams)).toEqual({ to: '+32475300001', sender: POOL_NUMBER, name: 'Ann Peeters' });
    const card = reply.closest('li')!;
    expect(within(card).getByText('Ann Peeters').tagName).toBe('STRONG');
    expect(within(card).getByRole('link', { name: 'Conversation with Ann Peeters' }).getAttribute('href')).toBe('/inbox?with=%2B32475300001');
  });

  it('says the number opted out instead of offering a reply', async () => {
    fakeApi(inbox([item({ text: 'STOP', opt_out: 'stop', opted_out: true, suppressed: true, contact_name: null })]));
    render(<Inbox />);
    expect((await screen.findByTestId('opted-out')).textContent).toBe('This number opted out');
    expect(screen.queryByRole('link', { name: /^Reply/ })).toBeNull();
  });

  it('says a number suppressed by hand is on the suppression list, without a reply', async () => {
    fakeApi(inbox([item({ suppressed: true })]));
    render(<Inbox />);
    expect((await screen.findByTestId('opted-out')).textContent).toBe('This number is on the suppression list');
    expect(screen.queryByRole('link', { name: /^Reply/ })).toBeNull();
  });

  it('shows the conversation with one number in time order, with Reply from the number last written to', async () => {
    history.replaceState(null, '', '/inbox?with=%2B32475300001');
    const calls = fakeApi({
      'GET /v1/conversation': {
        number: '+32475300001', contact_name: 'Ann Peeters', opted_out: false, suppressed: false,
        data: [
          { direction: 'out', id: 'msg_1', at: '2026-11-22T17:00:00Z', text: 'Your table is ready', ours: POOL_NUMBER, status: 'delivered' },
          { direction: 'in', id: 'inb_1', at: '2026-11-22T18:00:00Z', text: 'On my way', ours: POOL_NUMBER, status: null },
        ],
      },
    });
    render(<Inbox />);
    expect(await screen.findByRole('heading', { name: 'Conversation with Ann Peeters' })).toBeTruthy();
    expect(new URL(calls[0]!.url, 'http://x').searchParams.get('number')).toBe('+32475300001');
    const entries = within(screen.getByRole('list', { name: 'Messages' })).getAllByRole('listitem');
    expect(entries.map((e) => e.getAttribute('data-direction'))).toEqual(['out', 'in']);
    expect(entries[0]!.textContent).toContain(`You, from ${POOL_NUMBER}`);
    expect(entries[1]!.textContent).toContain(`Ann Peeters, to ${POOL_NUMBER}`);
    expect(new URL(screen.getByRole('link', { name: 'Reply to Ann Peeters' }).getAttribute('href')!, 'http://x').searchParams.get('sender')).toBe(POOL_NUMBER);
  });
});

describe('the composer', () => {
  it('takes the sender and the recipient\'s name from a Reply, without a hint to sign', async () => {
    history.replaceState(null, '', `/sms?to=%2B32475300001&sender=${encodeURIComponent(POOL_NUMBER)}&name=Ann+Peeters`);
    fakeApi({
      'GET /v1/senders': { data: [{ id: null, kind: 'pool', value: 'pool', repliable: true, usable: true, meets_name_rule: true }], default: { account: null, user: null, installation: 'Acme' } },
      'POST /v1/messages/preview': (_url: string, init: RequestInit) => preview({ recipients: (JSON.parse(String(init.body)).to ?? []).map((to: string) => ({ to, country: 'BE', cost: 5, problem: null, problem_code: null })) }),
      'GET /v1/credit': credit(),
    });
    render(<Sms />);
    const chip = await screen.findByTitle('+32475300001');
    expect(chip.textContent).toBe('Ann Peeters +32475300001');
    const sender = screen.getByLabelText('Sender') as HTMLSelectElement;
    // Still the reply's number once the defaults have come.
    await screen.findByRole('option', { name: 'Shared number' });
    expect(sender.value).toBe(POOL_NUMBER);
    expect(sender.selectedOptions[0]!.textContent).toBe(`${POOL_NUMBER} (the number of this conversation)`);
    expect(screen.queryByTestId('sign-hint')).toBeNull();
  });

  it('shows a picked contact by name, its number as secondary text', async () => {
    fakeApi({
      'GET /v1/contacts': { data: [{ id: 'ctc_1', address_book: 'shared', name: 'Bob Maes', organisation: null, phones: [{ type: 'mobile', number: '+32475300002' }], emails: [], notes: null, tags: [], created_at: '2026-10-01T09:00:00Z', updated_at: '2026-10-01T09:00:00Z' }], next_cursor: null },
      'GET /v1/lists': { data: [], next_cursor: null },
    });
    const picked: Recipient[] = [];
    const { rerender } = render(<><RecipientList items={picked} onRemove={() => undefined} /><RecipientSearch onPick={(r) => picked.push(r)} /></>);
    fireEvent.change(screen.getByLabelText('Contact or list'), { target: { value: 'bob' } });
    fireEvent.click(screen.getByRole('button', { name: 'Search' }));
    fireEvent.click(await screen.findByRole('button', { name: /Bob Maes/ }));
    rerender(<><RecipientList items={[...picked]} onRemove={() => undefined} /><RecipientSearch onPick={(r) => picked.push(r)} /></>);
    const chip = within(screen.getByRole('list', { name: 'Recipients' })).getByTitle('+32475300002');
    expect(chip.textContent).toBe('Bob Maes +32475300002');
    expect(chip.querySelector('small')!.textContent).toBe('+32475300002');
    expect(screen.getByRole('button', { name: 'Remove Bob Maes' })).toBeTruthy();
  });
});

describe('Sent', () => {
  it('names the recipient and links to the conversation with them', async () => {
    history.replaceState(null, '', '/sent');
    const m = { id: 'msg_1', batch_id: 'bat_1', to: '+32475300001', sender: POOL_NUMBER, text: 'Hi', encoding: 'gsm7', parts: 1, price_per_part: 5, currency: 'EUR', status: 'delivered', error_code: null, client_reference: null, send_at: '2026-11-22T17:00:00Z', valid_until: '2026-11-25T17:00:00Z', created_at: '2026-11-22T17:00:00Z', updated_at: '2026-11-22T17:00:10Z', final_at: null, contact_id: null, list_id: null };
    fakeApi({ 'GET /v1/messages': { data: [{ ...m, contact_name: 'Ann Peeters' }, { ...m, id: 'msg_2', to: '+32475300009', contact_name: null }], next_cursor: null } });
    render(<Sent />);
    const named = await screen.findByRole('link', { name: 'Conversation with Ann Peeters' });
    expect(named.textContent).toBe('Ann Peeters');
    expect(named.getAttribute('href')).toBe('/inbox?with=%2B32475300001');
    expect(screen.getByRole('link', { name: 'Conversation with +32475300009' }).textContent).toBe('+32475300009');
  });
});

describe('the quota graph', () => {
  it('says there is nothing to show instead of drawing an empty chart', async () => {
    const empty = { start: '2026-11-01T00:00:00Z', quota_used: 0, provision_used: 0, quota_remaining: null, provision_remaining: null };
    const { rerender } = render(<QuotaChart points={[empty]} timeZone="UTC" />);
    expect(screen.getByTestId('quota-empty').textContent).toBe('Nothing to show yet: no SMS used, and no included SMS or credit in these months.');
    expect(screen.queryByTestId('quota-chart')).toBeNull();
    rerender(<QuotaChart points={[{ ...empty, quota_used: 3 }]} timeZone="UTC" />);
    await waitFor(() => expect(screen.getByTestId('quota-chart')).toBeTruthy());
    expect(screen.queryByTestId('quota-empty')).toBeNull();
  });
});
