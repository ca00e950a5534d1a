import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { get, post } from '../api';
import { fieldLabel } from '../errors';
import { useFormat } from '../format';
import { importProblemText } from '../reasons';
import type { ContactImport, ImportPreview, RowProblem } from '../types';
import { contactFields } from './contact-form';
import { DataTable, ErrorNote, SelectField } from './ui';

const FINISHED = ['done', 'failed', 'cancelled'];

/** Upload a CSV or vCard, look at the preview (an error per row), then import. */
/** `list`: every contact the import creates or merges joins it; a shared list takes shared contacts only. */
export function ContactImporter({ onDone, list }: { onDone: () => void; list?: { id: string; name: string; address_book: 'personal' | 'shared' } }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [upload, setUpload] = useState<(ContactImport & { preview: ImportPreview }) | null>(null);
  const [running, setRunning] = useState<ContactImport | null>(null);
  const [errors, setErrors] = useState<(RowProblem & { line: number })[]>([]);
  // A row's problem: the field by its label (when it is one of a contact's), the reason by its code.
  const problem = (p: RowProblem) => {
    const field = fieldLabel(p.field, contactFields(t));
    const reason = importProblemText(t, p);
    return field ? t('import.rowError', { field, reason }) : reason;
  };
  const [error, setError] = useState<unknown>(null);

  const send = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const file = (e.currentTarget.elements.namedItem('file') as HTMLInputElement | null)?.files?.[0];
    if (!file || file.size === 0) return;
    setError(null);
    const vcard = /\.vcf$|vcard/i.test(file.name) || file.type.includes('vcard');
    try {
      setUpload(
        await post(`/v1/contact-imports?address_book=${form.get('address_book')}&format=${vcard ? 'vcard' : 'csv'}${list ? `&list=${encodeURIComponent(list.id)}` : ''}`, undefined, {
          raw: { body: file, contentType: vcard ? 'text/vcard' : 'text/csv' },
        }),
      );
    } catch (err) {
      setError(err);
    }
  };

  const start = async () => {
    if (!upload) return;
    try {
      setRunning(await post<ContactImport>(`/v1/contact-imports/${upload.id}/start`, {}));
    } catch (err) {
      setError(err);
    }
  };

  useEffect(() => {
    if (!running || FINISHED.includes(running.status)) {
      if (running?.status === 'done') {
        onDone();
        if (running.failed > 0) get<{ data: typeof errors }>(`/v1/contact-imports/${running.id}/errors`).then((r) => setErrors(r.data), setError);
      }
      return;
    }
    const timer = setTimeout(() => get<ContactImport>(`/v1/contact-imports/${running.id}`).then(setRunning, setError), 700);
    return () => clearTimeout(timer);
  }, [running]);

  const counts = running ? t('import.counts', { rows: f.number(running.rows), created: f.number(running.created), merged: f.number(running.merged), failed: f.number(running.failed) }) : '';
  return (
    <section className="card" aria-labelledby="import-title">
      <h2 id="import-title">{list ? t('import.intoList', { name: list.name }) : t('import.title')}</h2>
      {!upload && (
        <form onSubmit={send}>
          <div className="field">
            <label htmlFor="import-file">{t('import.file')}</label>
            <input id="import-file" name="file" type="file" accept=".csv,.vcf,text/csv,text/vcard" required />
          </div>
          {list?.address_book === 'shared' ? (
            <input type="hidden" name="address_book" value="shared" />
          ) : (
            <SelectField label={t('contacts.addressBook')} name="address_book" defaultValue="personal">
              <option value="personal">{t('contacts.book.personal')}</option>
              <option value="shared">{t('contacts.book.shared')}</option>
            </SelectField>
          )}
          <button className="primary">{t('import.upload')}</button>
        </form>
      )}
      <ErrorNote error={error} />
      {upload && !running && (
        <>
          <h3>{t('import.preview')}</h3>
          <DataTable testId="import-preview" columns={[t('import.line'), t('contacts.name'), t('contacts.phones'), t('import.check')]}>
            {upload.preview.rows.map((r) => (
              <tr key={r.line} className={r.error ? 'rejected' : ''}>
                <td>{f.number(r.line)}</td>
                <td>{r.contact?.name ?? '—'}</td>
                <td>{r.contact?.phones.map((p) => `${t(`contacts.type.${p.type}`, { defaultValue: p.type })}: ${p.number}`).join(', ')}</td>
                <td>{r.error ? problem(r.error) : t('import.rowOk')}</td>
              </tr>
            ))}
          </DataTable>
          <p className="actions">
            <button className="primary" onClick={() => void start()}>{t('import.start')}</button>
            <button onClick={() => setUpload(null)}>{t('common.cancel')}</button>
          </p>
        </>
      )}
      {running && (
        <div data-testid="import-status">
          <progress max={1} value={running.progress} aria-label={t('import.progress')} />
          <p>{t(`import.status.${running.status}`, { defaultValue: running.status })} — {counts}</p>
          {/* Said once per step (importing, done), not at every poll of the progress. */}
          <p className="sr-only" role="status" data-testid="import-announce">
            {t(`import.status.${running.status}`, { defaultValue: running.status })}{FINISHED.includes(running.status) ? ` — ${counts}` : ''}
          </p>
          {errors.length > 0 && (
            <ul className="import-errors">
              {errors.map((e) => <li key={e.line}>{t('import.lineError', { line: f.number(e.line), problem: problem(e) })}</li>)}
            </ul>
          )}
          {FINISHED.includes(running.status) && <button onClick={() => { setUpload(null); setRunning(null); setErrors([]); }}>{t('import.another')}</button>}
        </div>
      )}
    </section>
  );
}
