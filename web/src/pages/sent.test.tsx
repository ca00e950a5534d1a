import { render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { FormatContext } from '../format';
import { fakeApi } from '../test-kit';
import { Sent } from './sent';

afterEach(() => {
  vi.unstubAllGlobals();
  history.replaceState(null, '', '/');
});

const message = { id: 'msg_1', batch_id: 'bat_1', to: '+32475000001', sender: 'Acme', text: 'Hi', encoding: 'gsm7', parts: 1, price_per_part: 5, currency: 'EUR', status: 'undelivered', error_code: '0x0000000B', client_reference: null, send_at: '2026-10-25T10:00:00Z', valid_until: '2026-10-27T10:00:00Z', created_at: '2026-10-25T10:00:00Z', updated_at: '2026-10-25T10:05:00Z', final_at: '2026-10-25T10:05:00Z', contact_id: null, list_id: null };

describe('Sent', () => {
  it('ends the "until" day where the user\'s calendar does, also on a 25-hour day', async () => {
    history.replaceState(null, '', '/sent?from=2026-10-25&until=2026-10-25');
    const calls = fakeApi({ 'GET /v1/messages': { data: [], next_cursor: null } });
    render(<FormatContext.Provider value={{ locale: 'en', timeZone: 'Europe/Brussels' }}><Sent /></FormatContext.Provider>);
    await waitFor(() => expect(calls.length).toBe(1));
    const q = new URL(calls[0]!.url, 'http://x').searchParams;
    expect(q.get('from')).toBe('2026-10-24T22:00:00.000Z');
    // Clocks go back that night: the day has 25 hours, and `until` (exclusive) is the next midnight.
    expect(q.get('until')).toBe('2026-10-25T23:00:00.000Z');
  });

  it('says the history\'s reasons in words, not as codes', async () => {
    history.replaceState(null, '', '/sent?id=msg_1');
    fakeApi({
      'GET /v1/messages/msg_1': {
        ...message, part_list: [],
        history: [
          { status: 'queued', detail: 'accepted', at: '2026-10-25T10:00:00Z' },
          { status: 'undelivered', detail: 'code validity', at: '2026-10-25T10:05:00Z' },
          { status: 'cancelled', detail: 'the recipient replied STOP', at: '2026-10-25T10:06:00Z' },
        ],
      },
    });
    render(<Sent />);
    await screen.findByTestId('detail-status');
    const lines = [...document.querySelectorAll('.history li')].map((li) => li.querySelector('.hint')?.textContent?.trim());
    expect(lines).toEqual(['accepted', 'the network could not deliver it in time', 'the recipient replied STOP']);
    expect(document.querySelector('.history')!.textContent).not.toContain('code ');
  });
});
