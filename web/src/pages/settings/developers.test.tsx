import { render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionContext } from '../../session';
import { fakeApi, sessionFor } from '../../test-kit';
import { ApiKeys } from './developers';

afterEach(() => vi.unstubAllGlobals());

const KEY = { prefix: 'hrld_abcdef', scopes: ['account:read'], created_at: '2026-11-01T10:00:00Z', expires_at: null, last_used_at: null, revoked_at: null, suspended: false };

describe('the API keys list', () => {
  it('shows a key whose creator is disabled as suspended, and says why', async () => {
    fakeApi({
      'GET /v1/api-keys': {
        data: [
          { ...KEY, id: 'key_1', name: 'Working key' },
          { ...KEY, id: 'key_2', name: 'Ex-admin key', suspended: true },
          { ...KEY, id: 'key_3', name: 'Old key', suspended: true, revoked_at: '2026-11-02T10:00:00Z' },
        ],
      },
    });
    render(<SessionContext.Provider value={sessionFor()}><ApiKeys /></SessionContext.Provider>);
    const rows = await screen.findAllByTestId('api-key');
    expect(rows.map((r) => r.textContent)).toHaveLength(3);
    expect(within(rows[0]!).queryByText('Suspended')).toBeNull();
    expect(within(rows[1]!).getByText('Suspended')).toBeTruthy();
    expect(rows[1]!.textContent).toContain('Its creator is disabled');
    // A suspended key can still be revoked for good.
    expect(within(rows[1]!).getByRole('button', { name: 'Revoke the key Ex-admin key' })).toBeTruthy();
    // Revoked says all there is to say.
    expect(within(rows[2]!).queryByText('Suspended')).toBeNull();
    expect(within(rows[2]!).getByText('Revoked')).toBeTruthy();
  });
});
