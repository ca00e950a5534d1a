import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { del, get, query } from '../api';
import { ContactImporter } from '../components/contact-import';
import { ContactForm } from '../components/contact-form';
import { DataTable, ErrorNote, PageHeader, useLoad } from '../components/ui';
import { download } from '../download';
import { Link } from '../router';
import type { Contact, Page } from '../types';

export function Contacts() {
  const { t } = useTranslation();
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const [book, setBook] = useState('all');
  const [editing, setEditing] = useState<Contact | 'new' | null>(null);
  const [importing, setImporting] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const list = useLoad((signal) => get<Page<Contact>>(`/v1/contacts${query({ q: search, address_book: book, limit: 100 })}`, signal), [search, book]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setSearch(q);
  };
  const remove = async (c: Contact) => {
    if (!confirm(t('contacts.confirmDelete', { name: c.name }))) return;
    try {
      await del(`/v1/contacts/${c.id}`);
      list.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <main id="main">
      <PageHeader title={t('contacts.title')}>
        <div className="actions">
          <button className="primary" onClick={() => setEditing('new')}>{t('contacts.new')}</button>
          <button onClick={() => setImporting(!importing)} aria-expanded={importing}>{t('import.title')}</button>
          <button onClick={() => download(`/v1/contacts/export${query({ format: 'csv', address_book: book })}`, 'contacts.csv').catch(setError)}>{t('contacts.exportCsv')}</button>
          <button onClick={() => download(`/v1/contacts/export${query({ format: 'vcard', address_book: book })}`, 'contacts.vcf').catch(setError)}>{t('contacts.exportVcard')}</button>
        </div>
      </PageHeader>
      {importing && <ContactImporter onDone={list.reload} />}
      {editing && (
        <ContactForm
          contact={editing === 'new' ? null : editing}
          onCancel={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            list.reload();
          }}
        />
      )}
      <form className="filters" role="search" onSubmit={submit}>
        <div className="field">
          <label htmlFor="contact-q">{t('contacts.search')}</label>
          <input id="contact-q" value={q} onChange={(e) => setQ(e.target.value)} placeholder={t('contacts.searchPlaceholder')} />
        </div>
        <div className="field">
          <label htmlFor="contact-book">{t('contacts.addressBook')}</label>
          <select id="contact-book" value={book} onChange={(e) => setBook(e.target.value)}>
            <option value="all">{t('contacts.book.all')}</option>
            <option value="personal">{t('contacts.book.personal')}</option>
            <option value="shared">{t('contacts.book.shared')}</option>
          </select>
        </div>
        <button>{t('contacts.searchButton')}</button>
      </form>
      <ErrorNote error={list.error ?? error} />
      {list.data?.data.length === 0 && <p>{t('common.nothingFound')}</p>}
      {list.data && list.data.data.length > 0 && (
        <DataTable testId="contacts-table" columns={[t('contacts.name'), t('contacts.phones'), t('contacts.addressBook'), { hidden: t('common.actions') }]}>
          {list.data.data.map((c) => (
            <tr key={c.id}>
              <td>
                {c.name}
                {c.organisation && <small className="hint"> · {c.organisation}</small>}
              </td>
              <td>
                <ul className="plain">
                  {c.phones.map((p) => (
                    <li key={p.number + p.type}>
                      {t(`contacts.type.${p.type}`, { defaultValue: p.type })}:{' '}
                      {p.type === 'mobile' ? (
                        <Link to={`/sms?to=${encodeURIComponent(p.number)}`} title={t('contacts.smsTo', { number: p.number })}>{p.number}</Link>
                      ) : (
                        p.number
                      )}
                    </li>
                  ))}
                </ul>
              </td>
              <td>{t(`contacts.book.${c.address_book}`)}</td>
              <td className="row-actions">
                <button onClick={() => setEditing(c)} aria-label={t('contacts.editNamed', { name: c.name })}>{t('common.edit')}</button>
                <button onClick={() => void remove(c)} aria-label={t('contacts.deleteNamed', { name: c.name })}>{t('common.delete')}</button>
              </td>
            </tr>
          ))}
        </DataTable>
      )}
    </main>
  );
}
