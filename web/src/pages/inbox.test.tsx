import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeApi } from '../test-kit';
import { INBOX_CHANGED, Inbox } from './inbox';

afterEach(() => vi.unstubAllGlobals());

const reply = (read: boolean) => ({
  id: 'inb_1', from: '+32475300001', to: '+3225550300', text: 'On my way', parts: 1, incomplete: false, opt_out: null, received_at: '2026-11-22T18:00:00Z',
  read, read_at: read ? '2026-11-22T18:01:00Z' : null, reply_to: { id: 'msg_1', to: '+32475300001', text: 'Your table is ready', sent_at: '2026-11-22T17:00:00Z' },
  contact_name: null, opted_out: false, suppressed: false,
});

describe('the Inbox', () => {
  it('shows a reply with the message it answers, and tells the menu the new unread count once read', async () => {
    let read = false;
    fakeApi({
      'GET /v1/inbox': () => ({ data: [reply(read)], next_cursor: null, unread_count: read ? 0 : 1 }),
      'POST /v1/inbox/inb_1/read': () => {
        read = true;
        return reply(true);
      },
      'GET /v1/inbox/forwarding-rules': { data: [] },
    });
    const counts: number[] = [];
    const listen = (e: Event) => counts.push((e as CustomEvent<number>).detail);
    window.addEventListener(INBOX_CHANGED, listen);
    render(<Inbox />);
    expect((await screen.findByText('1 unread reply')).textContent).toBe('1 unread reply');
    expect(screen.getByText('In reply to: Your table is ready')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: /^Mark the reply from .* as read$/ }));
    await screen.findByText('0 unread replies');
    // The event goes out from an effect, which may run just after the text is drawn.
    await waitFor(() => expect(counts).toEqual([1, 0]));
    window.removeEventListener(INBOX_CHANGED, listen);
  });

  it('names each Delete and Enabled by what it acts on', async () => {
    fakeApi({
      'GET /v1/inbox': { data: [reply(true)], next_cursor: null, unread_count: 0 },
      'GET /v1/inbox/forwarding-rules': { data: [{ id: 'fwd_1', kind: 'email', target: 'desk@example.com', enabled: true, created_at: '2026-11-20T09:00:00Z' }, { id: 'fwd_2', kind: 'http', target: 'https://hooks.example.com/in', enabled: false, created_at: '2026-11-21T09:00:00Z' }] },
    });
    render(<Inbox />);
    expect(await screen.findByRole('button', { name: 'Delete the forwarding to desk@example.com' })).toBeTruthy();
    expect(screen.getByRole('button', { name: 'Delete the forwarding to https://hooks.example.com/in' })).toBeTruthy();
    expect((screen.getByRole('checkbox', { name: 'Forwarding to desk@example.com enabled' }) as HTMLInputElement).checked).toBe(true);
    expect(screen.getByRole('button', { name: /^Delete the reply from \+32475300001 of / })).toBeTruthy();
    expect(screen.queryByRole('button', { name: 'Delete' })).toBeNull();
  });
});
