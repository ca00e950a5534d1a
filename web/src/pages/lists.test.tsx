import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { apiError, errorBeside, fakeApi } from '../test-kit';
import { Lists } from './lists';

afterEach(() => vi.unstubAllGlobals());

const LIST = { id: 'lst_1', name: 'Team A/B', description: null, address_book: 'shared', members: 2, created_at: '2026-10-01T09:00:00Z', updated_at: '2026-10-01T09:00:00Z' };

describe('the Lists page', () => {
  it('exports the open list\'s members as CSV and vCard through the address book export', async () => {
    const calls = fakeApi({
      'GET /v1/lists': { data: [LIST], next_cursor: null },
      'GET /v1/lists/lst_1/members': { data: [], next_cursor: null },
      'GET /v1/contacts': { data: [], next_cursor: null },
      'GET /v1/contacts/export': () => new Response('Name\r\n', { status: 200, headers: { 'content-type': 'text/csv' } }),
    });
    vi.stubGlobal('URL', Object.assign(URL, { createObjectURL: () => 'blob:x', revokeObjectURL: () => undefined }));
    render(<Lists />);
    fireEvent.click(await screen.findByRole('button', { name: /Team A\/B/ }));
    fireEvent.click(await screen.findByRole('button', { name: 'Export the members of Team A/B as CSV' }));
    fireEvent.click(screen.getByRole('button', { name: 'Export the members of Team A/B as vCard' }));
    await waitFor(() => expect(calls.filter((c) => c.url.startsWith('/v1/contacts/export')).map((c) => c.url)).toEqual([
      '/v1/contacts/export?format=csv&list=lst_1',
      '/v1/contacts/export?format=vcard&list=lst_1',
    ]));
  });

  it('imports a file into the open list, into the shared book for a shared list', async () => {
    const calls = fakeApi({
      'GET /v1/lists': { data: [LIST], next_cursor: null },
      'GET /v1/lists/lst_1/members': { data: [], next_cursor: null },
      'GET /v1/contacts': { data: [], next_cursor: null },
      'POST /v1/contact-imports': () => apiError(400, 'invalid_request', 'stop here'),
    });
    render(<Lists />);
    fireEvent.click(await screen.findByRole('button', { name: /Team A\/B/ }));
    fireEvent.click(await screen.findByRole('button', { name: 'Import contacts into Team A/B' }));
    expect(await screen.findByRole('heading', { name: 'Import into Team A/B' })).toBeTruthy();
    expect(screen.queryByLabelText('Address book')).toBeNull();
    const input = screen.getByLabelText(/file/i) as HTMLInputElement;
    const file = new File(['Name,Mobile\nAnna,+32475000001\n'], 'team.csv', { type: 'text/csv' });
    Object.defineProperty(input, 'files', { value: [file] });
    fireEvent.submit(input.closest('form')!);
    await waitFor(() => expect(calls.some((c) => c.method === 'POST' && c.url.startsWith('/v1/contact-imports?'))).toBe(true));
    const url = calls.find((c) => c.method === 'POST')!.url;
    expect(url).toContain('address_book=shared');
    expect(url).toContain('list=lst_1');
  });

  it('says a shared list\'s rule before a contact is picked, and its refusal beside the contact search', async () => {
    fakeApi({
      'GET /v1/lists': { data: [LIST], next_cursor: null },
      'GET /v1/lists/lst_1/members': { data: [], next_cursor: null },
      'GET /v1/contacts': { data: [{ id: 'ctc_9', name: 'Pat', organisation: null, phones: [], emails: [], tags: [], notes: null, address_book: 'personal', created_at: '2026-10-01T09:00:00Z', updated_at: '2026-10-01T09:00:00Z' }], next_cursor: null },
      'POST /v1/lists/lst_1/members': () => apiError(400, 'invalid_request', 'A shared list can hold only contacts of the shared address book', {
        field: 'members[0].contact', reason: 'shared_list_personal_contact',
      }),
    });
    render(<Lists />);
    fireEvent.click(await screen.findByRole('button', { name: /Team A\/B/ }));
    const search = await screen.findByLabelText('Add a contact') as HTMLInputElement;
    expect(search.getAttribute('aria-describedby')).toBe('member-q-rule');
    expect(document.getElementById('member-q-rule')!.textContent).toMatch(/only contacts and lists of the shared address book/);
    fireEvent.change(search, { target: { value: 'Pat' } });
    fireEvent.submit(search.form!);
    fireEvent.click(await screen.findByRole('button', { name: /Pat/ }));
    await waitFor(() => expect(search.getAttribute('aria-invalid')).toBe('true'));
    expect(errorBeside(search)!.textContent).toMatch(/^A shared list can only hold contacts of the shared address book; this contact is in someone's personal/);
    expect(screen.getAllByRole('alert')).toEqual([errorBeside(search)]);
  });
});

