import { render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionContext } from '../../session';
import { fakeApi, sessionFor } from '../../test-kit';
import { Credit, Quotas } from './credit';

afterEach(() => {
  vi.unstubAllGlobals();
  vi.useRealTimers();
});

/** An account in Auckland, looked at by someone whose own zone is UTC (the default of the format context). */
const auckland = () => {
  const s = sessionFor();
  return { ...s, acting: { ...s.acting, timezone: 'Pacific/Auckland' } };
};

describe('credit and quotas on the account\'s calendar', () => {
  it('asks the months from the start of the account\'s month and names them in its zone', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-06-30T20:00:00Z')); // already 1 July in Auckland
    const calls = fakeApi({ 'GET /v1/credit/usage': { data: [{ start: '2026-05-31T12:00:00Z', quota_used: 1234, provision_used: 0, quota_remaining: 10, provision_remaining: null }], currency: 'EUR' } });
    render(<SessionContext.Provider value={auckland()}><Quotas /></SessionContext.Provider>);
    await waitFor(() => expect(calls.length).toBe(1));
    const from = new URL(calls[0]!.url, 'http://x').searchParams.get('from');
    expect(from).toBe('2026-01-31T11:00:00.000Z'); // 1 February, 00:00 in Auckland (summer time)
    // 12:00 UTC on 31 May is June in Auckland: the server's June bucket. The table comes
    // with the lazily loaded chart, whose first import can take seconds on a busy machine.
    expect((await screen.findByRole('rowheader', {}, { timeout: 10_000 })).textContent).toBe('Jun 2026');
    expect(screen.getByRole('cell', { name: '1,234' })).toBeTruthy();
  });

  it('shows the quota\'s last day, not the exclusive end the API gives', async () => {
    fakeApi({
      'GET /v1/credit': { quota: { monthly: 1000, remaining: 400, held: 0, period_start: '2026-05-31T12:00:00Z', period_end: '2026-06-30T12:00:00Z' }, provision: null, spending: null, currency: 'EUR' },
      'GET /v1/credit/alert': { threshold: null, below: false, last_alert_at: null, currency: 'EUR' },
    });
    render(<SessionContext.Provider value={auckland()}><Credit /></SessionContext.Provider>);
    expect((await screen.findByTestId('balances')).textContent).toContain('400 of 1,000 left — up to and including Jun 30, 2026');
  });
});
