import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fakeApi } from '../test-kit';
import { ContactImporter } from './contact-import';

afterEach(() => vi.unstubAllGlobals());

const job = (over: Record<string, unknown> = {}) => ({ id: 'imp_1', address_book: 'personal', format: 'csv', status: 'uploaded', bytes: 10, progress: 0, rows: 0, created: 0, merged: 0, failed: 0, error: null, list_id: null, created_at: '2026-10-01T09:00:00Z', started_at: null, finished_at: null, ...over });

describe('the contact import', () => {
  it('says each refused row by its code and field label, and announces steps, not every poll', async () => {
    let polls = 0;
    fakeApi({
      'POST /v1/contact-imports': job({
        preview: {
          options: { format: 'csv', encoding: 'utf-8', delimiter: ',', has_header: true, mapping: [] }, columns: ['Name', 'Mobile'],
          rows: [
            { line: 2, contact: { name: 'Alice', organisation: null, phones: [{ type: 'mobile', number: '+32475000001' }], emails: [], tags: [] }, error: null },
            { line: 3, contact: null, error: { field: 'phones[0].number', reason: '12 is too short', code: 'too_short' } },
            { line: 4, contact: null, error: { field: 'name', reason: 'The name is longer than 200 characters', code: 'too_long' } },
            { line: 5, contact: null, error: { field: null, reason: 'This row has a stray quote', code: 'unreadable' } },
            { line: 6, contact: null, error: { field: 'x', reason: 'A reason this UI has no word for', code: 'brand_new' } },
          ],
        },
      }),
      'POST /v1/contact-imports/imp_1/start': job({ status: 'running', rows: 100, progress: 0.1 }),
      'GET /v1/contact-imports/imp_1': () => {
        polls += 1;
        return polls < 3 ? job({ status: 'running', rows: 1000 + polls * 500, created: polls * 400, progress: polls / 4 }) : job({ status: 'done', rows: 2500, created: 2497, failed: 3, progress: 1 });
      },
      'GET /v1/contact-imports/imp_1/errors': { data: [{ line: 1234, field: 'phones[0].number', reason: '12 is too short', code: 'too_short' }], next_cursor: null },
    });
    render(<ContactImporter onDone={() => undefined} />);
    fireEvent.change(screen.getByLabelText('CSV or vCard file'), { target: { files: [new File(['Name,Mobile\n'], 'people.csv', { type: 'text/csv' })] } });
    // jsdom keeps no real file list, so its form validation would stop a click: submit the form itself.
    fireEvent.submit(screen.getByRole('button', { name: 'Upload and preview' }).closest('form')!);
    const rows = [...(await screen.findByTestId('import-preview')).querySelectorAll('tbody tr')].map((r) => r.lastElementChild!.textContent);
    expect(rows).toEqual(['OK', 'Number 1: the number is too short', 'Name: this is too long', 'this row could not be read', 'A reason this UI has no word for']);

    fireEvent.click(screen.getByRole('button', { name: 'Import' }));
    const announcer = await screen.findByTestId('import-announce');
    expect(announcer.textContent).toBe('Importing');
    await waitFor(() => expect(polls).toBeGreaterThanOrEqual(2), { timeout: 3000 });
    // Counts move at every poll; the announcement stays until the step changes.
    expect(announcer.textContent).toBe('Importing');
    expect(screen.getByTestId('import-status').getAttribute('role')).toBeNull();
    await waitFor(() => expect(announcer.textContent).toBe('Done — Rows read: 2,500, created: 2,497, merged: 0, refused: 3'), { timeout: 4000 });
    expect(await screen.findByText('Line 1,234: Number 1: the number is too short')).toBeTruthy();
  }, 20_000); // Real polls a second apart, and waits of 3 and 4 s: more than the default 5 s on a busy machine.
});
