import { render, screen, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { SessionContext } from '../../session';
import { fakeApi, sessionFor } from '../../test-kit';
import { Users } from './people';

afterEach(() => vi.unstubAllGlobals());

const person = (id: string, name: string, role: string) => ({ id, account_id: 'acct_1', email: `${id}@example.org`, name, role, locale: 'en', timezone: null, mobile: null, status: 'active', created_at: '2026-11-01T10:00:00Z' });

describe('the users list', () => {
  it('gives an administrator no control over owners and no owner role to hand out, and says what disabling does to keys', async () => {
    fakeApi({ 'GET /v1/users': { data: [person('usr_me', 'Me', 'admin'), person('usr_o', 'Olga', 'owner'), person('usr_m', 'Max', 'member')] } });
    render(<SessionContext.Provider value={sessionFor({ id: 'usr_me', role: 'admin' })}><Users /></SessionContext.Provider>);
    await screen.findByText('Olga');
    expect(screen.queryByRole('button', { name: 'Disable Olga' })).toBeNull();
    expect(screen.queryByRole('combobox', { name: 'Role of Olga' })).toBeNull();
    const maxRole = screen.getByRole('combobox', { name: 'Role of Max' });
    expect(within(maxRole).queryByRole('option', { name: 'Owner' })).toBeNull();
    expect(screen.getByRole('button', { name: 'Disable Max' })).toBeTruthy();
    expect(screen.getByText(/API keys they created stop working/)).toBeTruthy();
  });
});
