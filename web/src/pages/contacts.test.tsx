import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiError, errorBeside, fakeApi } from '../test-kit';
import { Contacts } from './contacts';

const contact = (over: Record<string, unknown>) => ({
  id: 'ctc_1', address_book: 'personal', name: 'Alice', organisation: null, phones: [], emails: [], notes: null, tags: [], created_at: '2026-10-01T09:00:00Z', updated_at: '2026-10-01T09:00:00Z', ...over,
});

afterEach(() => vi.unstubAllGlobals());

describe('the Contacts page', () => {
  it('makes mobile numbers, and only those, open the SMS page with the recipient', async () => {
    fakeApi({
      'GET /v1/contacts': { data: [contact({ phones: [{ type: 'mobile', number: '+32475000001' }, { type: 'work', number: '+3225551234' }] })], next_cursor: null },
    });
    render(<Contacts />);
    const link = await screen.findByRole('link', { name: '+32475000001' });
    expect(link.getAttribute('href')).toBe('/sms?to=%2B32475000001');
    expect(screen.queryByRole('link', { name: '+3225551234' })).toBeNull();
  });

  it('edits a number\'s type with a pull-down and shows the API\'s field and reason', async () => {
    const calls = fakeApi({
      'GET /v1/contacts': { data: [contact({ phones: [{ type: 'work', number: '+32475000001' }] })], next_cursor: null },
      'PATCH /v1/contacts/ctc_1': () => apiError(400, 'invalid_request', '+32475000001 is too short', { field: 'phones[0].number', reason: 'too_short' }),
    });
    render(<Contacts />);
    fireEvent.click(await screen.findByRole('button', { name: 'Edit Alice' }));
    const type = screen.getByLabelText('Type of number 1') as HTMLSelectElement;
    expect([...type.options].map((o) => o.value)).toEqual(['mobile', 'work', 'home', 'fax', 'other']);
    fireEvent.change(type, { target: { value: 'mobile' } });
    fireEvent.click(screen.getByRole('button', { name: 'Save' }));
    // The field by its label on the form, the reason by its code: no API path, no server English.
    const number = screen.getByLabelText('Number 1') as HTMLInputElement;
    await waitFor(() => expect(number.getAttribute('aria-invalid')).toBe('true'));
    expect(errorBeside(number)!.textContent).toBe('The number is too short');
    expect(screen.getAllByRole('alert')).toEqual([errorBeside(number)]);
    expect(calls.find((c) => c.method === 'PATCH')!.body).toMatchObject({ phones: [{ type: 'mobile', number: '+32475000001' }] });
  });
});
