import { fireEvent, render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionContext } from '../../session';
import { fakeApi, sessionFor } from '../../test-kit';
import { Webhooks } from './webhooks';

afterEach(() => vi.unstubAllGlobals());

const ENDPOINT = { id: 'whe_1', url: 'https://hooks.example.com/herald', description: null, events: ['message.delivered'], enabled: true, disabled_reason: null, failing_since: null, created_at: '2026-11-01T10:00:00Z', updated_at: '2026-11-01T10:00:00Z' };
const DELIVERY = { id: 'whd_1', event_id: 'evt_1', event_type: 'message.delivered', endpoint_id: 'whe_1', url: ENDPOINT.url, status: 'succeeded', attempts: 2, next_attempt_at: null, last_error: null, created_at: '2026-11-02T10:00:00Z', finished_at: '2026-11-02T10:00:06Z' };
const EVENT = { id: 'evt_1', type: 'message.delivered', created_at: '2026-11-02T10:00:00Z', payload: { type: 'message.delivered', timestamp: '2026-11-02T10:00:00Z', data: { id: 'msg_1' } } };

const routes = () => ({
  'GET /v1/webhooks': { data: [ENDPOINT] },
  'POST /v1/webhooks/whe_1/rotate-secret': { ...ENDPOINT, secret: 'whsec_new' },
  'GET /v1/webhooks/callback-secret': { secret: 'whsec_callback', previous: [] },
  'POST /v1/webhooks/callback-secret/rotate': { secret: 'whsec_callback2', previous: [{ secret: 'whsec_callback', expires_at: '2026-11-03T10:00:00Z' }] },
  'GET /v1/webhooks/whe_1/deliveries': { data: [DELIVERY], next_cursor: null },
  'GET /v1/webhook-deliveries/whd_1': {
    ...DELIVERY,
    attempt_log: [
      { attempted_at: '2026-11-02T10:00:00Z', status_code: null, latency_ms: 10000, response_start: null, error: 'timeout' },
      { attempted_at: '2026-11-02T10:00:05Z', status_code: 200, latency_ms: 1234, response_start: '{"ok":true}', error: null },
    ],
  },
  'GET /v1/webhook-events': { data: [EVENT], next_cursor: null },
  'POST /v1/webhook-events/evt_1/replay': { deliveries: [DELIVERY] },
});

const renderPage = (scopes?: string[]) => render(<SessionContext.Provider value={sessionFor({}, scopes)}><Webhooks /></SessionContext.Provider>);

describe('the Webhooks page', () => {
  it('rotates an endpoint\'s secret and shows the new one once', async () => {
    const calls = fakeApi(routes());
    renderPage();
    fireEvent.click(within(await screen.findByTestId('webhook')).getByRole('button', { name: /^New secret for / }));
    const shown = await screen.findByText('whsec_new');
    expect(shown.closest('.secret')!.textContent).toContain('https://hooks.example.com/herald');
    expect(calls.some((c) => c.method === 'POST' && c.url === '/v1/webhooks/whe_1/rotate-secret')).toBe(true);
  });

  it('shows the callback secret only when asked, and rotates it', async () => {
    fakeApi(routes());
    renderPage();
    const card = within((await screen.findByRole('heading', { name: 'Callback secret' })).closest('section')!);
    expect(card.queryByText('whsec_callback')).toBeNull();
    fireEvent.click(card.getByRole('button', { name: 'Show secret' }));
    expect(await card.findByText('whsec_callback')).toBeTruthy();
    fireEvent.click(card.getByRole('button', { name: 'Rotate secret' }));
    expect(await card.findByText('whsec_callback2')).toBeTruthy();
    expect(card.getByTestId('callback-secret').textContent).toContain('Previous, signing until');
  });

  it('opens a delivery to its attempts: status code, time taken, the start of the answer, the error', async () => {
    fakeApi(routes());
    renderPage();
    fireEvent.click(within(await screen.findByTestId('webhook')).getByRole('button', { name: /^Delivery log of / }));
    fireEvent.click(await screen.findByRole('button', { name: 'Show the attempts (2)' }));
    const attempts = await screen.findByTestId('attempt-log');
    const rows = within(attempts).getAllByRole('row').slice(1).map((r) => r.textContent);
    expect(rows[0]).toContain('timeout');
    expect(rows[0]).toContain('10,000 ms');
    expect(rows[1]).toContain('200');
    expect(rows[1]).toContain('1,234 ms');
    expect(rows[1]).toContain('{"ok":true}');
  });

  it('lists the events and replays one', async () => {
    const calls = fakeApi(routes());
    renderPage();
    const log = await screen.findByTestId('event-log');
    expect(log.textContent).toContain('Message delivered');
    fireEvent.click(within(log).getByRole('button', { name: 'Send again' }));
    expect(await screen.findByText('Message delivered sent again to 1 receiver.')).toBeTruthy();
    expect(calls.some((c) => c.method === 'POST' && c.url === '/v1/webhook-events/evt_1/replay')).toBe(true);
  });

  it('offers no changes to a reader', async () => {
    fakeApi(routes());
    renderPage(['account:read', 'messages:read']);
    await screen.findByTestId('webhook');
    expect(screen.queryByRole('button', { name: /^New secret for / })).toBeNull();
    expect(screen.queryByRole('heading', { name: 'Callback secret' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Send again' })).toBeNull();
  });
});
