import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { del, get, patch, post, query } from '../api';
import { ErrorNote, Field, FieldError, PageHeader, SelectField, splitError, useLoad } from '../components/ui';
import { download } from '../download';
import { ContactImporter } from '../components/contact-import';
import { useFormat } from '../format';
import type { Contact, ContactList, Member, Page } from '../types';

export function Lists() {
  const { t } = useTranslation();
  const f = useFormat();
  const [q, setQ] = useState('');
  const [search, setSearch] = useState('');
  const [open, setOpen] = useState<ContactList | null>(null);
  const [creating, setCreating] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const lists = useLoad((signal) => get<Page<ContactList>>(`/v1/lists${query({ q: search, address_book: 'all', limit: 200 })}`, signal), [search]);
  const beside = splitError(error, t, ['name', 'description', 'address_book']);

  const create = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setError(null);
    try {
      const list = await post<ContactList>('/v1/lists', { name: f.get('name'), description: String(f.get('description') || '') || null, address_book: f.get('address_book') });
      setCreating(false);
      setOpen(list);
      lists.reload();
    } catch (err) {
      setError(err);
    }
  };

  return (
    <main id="main">
      <PageHeader title={t('lists.title')}>
        <button className="primary" onClick={() => setCreating(true)}>{t('lists.new')}</button>
      </PageHeader>
      {creating && (
        <form className="card" onSubmit={create} aria-label={t('lists.new')}>
          <Field label={t('lists.name')} name="name" error={beside.at('name')} required />
          <Field label={t('lists.description')} name="description" error={beside.at('description')} />
          <SelectField label={t('contacts.addressBook')} name="address_book" defaultValue="personal" error={beside.at('address_book')}>
            <option value="personal">{t('contacts.book.personal')}</option>
            <option value="shared">{t('contacts.book.shared')}</option>
          </SelectField>
          <p className="hint">{t('reasons.sharedListRule')}</p>
          <p className="actions">
            <button className="primary">{t('common.save')}</button>
            <button type="button" onClick={() => setCreating(false)}>{t('common.cancel')}</button>
          </p>
        </form>
      )}
      <form className="filters" role="search" onSubmit={(e) => { e.preventDefault(); setSearch(q); }}>
        <div className="field">
          <label htmlFor="list-q">{t('lists.search')}</label>
          <input id="list-q" value={q} onChange={(e) => setQ(e.target.value)} />
        </div>
        <button>{t('contacts.searchButton')}</button>
      </form>
      <ErrorNote error={lists.error ?? beside.rest} />
      <div className="split">
        <ul className="plain list-index">
          {lists.data?.data.map((l) => (
            <li key={l.id}>
              <button className={open?.id === l.id ? 'selected' : ''} aria-pressed={open?.id === l.id} onClick={() => setOpen(l)}>
                {l.name} <small>{t('lists.members', { count: l.members, n: f.number(l.members) })} · {t(`contacts.book.${l.address_book}`)}</small>
              </button>
            </li>
          ))}
          {lists.data?.data.length === 0 && <li>{t('common.nothingFound')}</li>}
        </ul>
        {open && <ListEditor key={open.id} list={open} onChanged={lists.reload} onDeleted={() => { setOpen(null); lists.reload(); }} />}
      </div>
    </main>
  );
}

function ListEditor({ list, onChanged, onDeleted }: { list: ContactList; onChanged: () => void; onDeleted: () => void }) {
  const { t } = useTranslation();
  const members = useLoad((signal) => get<Page<Member>>(`/v1/lists/${list.id}/members?limit=200`, signal), [list.id]);
  const [error, setError] = useState<unknown>(null);
  const [found, setFound] = useState<Contact[]>([]);
  const [importing, setImporting] = useState(false);
  const beside = splitError(error, t, ['name', 'description', 'members[].number', 'members[].contact', 'members[].list']);
  const shared = list.address_book === 'shared';
  const memberName = (m: Member) => (m.contact ? m.contact.name : m.list ? t('lists.nested', { name: m.list.name }) : m.number ?? m.email ?? '');
  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      members.reload();
      onChanged();
    } catch (err) {
      setError(err);
    }
  };
  const rename = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    void act(() => patch(`/v1/lists/${list.id}`, { name: f.get('name'), description: String(f.get('description') || '') || null }));
  };
  const addNumber = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const number = String(new FormData(form).get('number'));
    void act(async () => {
      await post(`/v1/lists/${list.id}/members`, { members: [{ number }] });
      form.reset();
    });
  };
  const findContacts = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const q = String(new FormData(e.currentTarget).get('q'));
    try {
      setFound((await get<Page<Contact>>(`/v1/contacts${query({ q, address_book: 'all', limit: 20 })}`)).data);
    } catch (err) {
      setError(err);
    }
  };
  // The members as an address-book file, nested lists included; the file name is the list's, made safe.
  const exportAs = (format: 'csv' | 'vcard') =>
    void download(`/v1/contacts/export?format=${format}&list=${encodeURIComponent(list.id)}`, `${list.name.replace(/[^\p{L}\p{N} _-]+/gu, '_')}.${format === 'csv' ? 'csv' : 'vcf'}`).catch(setError);
  const remove = () => {
    if (confirm(t('lists.confirmDelete', { name: list.name }))) void del(`/v1/lists/${list.id}`).then(onDeleted, setError);
  };
  return (
    <section className="card" aria-labelledby="list-title">
      <h2 id="list-title">{list.name}</h2>
      <form onSubmit={rename}>
        <Field label={t('lists.name')} name="name" defaultValue={list.name} error={beside.at('name')} required />
        <Field label={t('lists.description')} name="description" defaultValue={list.description ?? ''} error={beside.at('description')} />
        <p className="actions">
          <button>{t('common.save')}</button>
          <button type="button" onClick={remove}>{t('lists.delete')}</button>
          <button type="button" onClick={() => setImporting(!importing)} aria-expanded={importing} aria-label={t('lists.importNamed', { name: list.name })}>{t('lists.import')}</button>
          <button type="button" onClick={() => exportAs('csv')} aria-label={t('lists.exportCsvNamed', { name: list.name })}>{t('contacts.exportCsv')}</button>
          <button type="button" onClick={() => exportAs('vcard')} aria-label={t('lists.exportVcardNamed', { name: list.name })}>{t('contacts.exportVcard')}</button>
        </p>
      </form>
      {importing && <ContactImporter list={list} onDone={members.reload} />}
      <ErrorNote error={beside.rest ?? members.error} fields={{ 'members[]': t('lists.addNumber') }} />
      <h3>{t('lists.memberTitle')}</h3>
      <ul className="plain" data-testid="list-members">
        {members.data?.data.map((m) => (
          <li key={m.id}>
            {memberName(m)}{' '}
            <button className="link" onClick={() => void act(() => del(`/v1/lists/${list.id}/members/${m.id}`))} aria-label={t('lists.removeMember', { name: memberName(m) })}>✕</button>
          </li>
        ))}
        {members.data?.data.length === 0 && <li>{t('lists.empty')}</li>}
      </ul>
      <form className="inline" onSubmit={addNumber}>
        <label htmlFor="member-number">{t('lists.addNumber')}</label>
        <input id="member-number" name="number" type="tel" required aria-invalid={beside.at('members[].number') ? true : undefined} aria-describedby={beside.at('members[].number') ? 'member-number-error' : undefined} />
        <button>{t('sms.add')}</button>
        <FieldError id="member-number-error" error={beside.at('members[].number')} />
      </form>
      <form className="inline" onSubmit={findContacts} role="search">
        <label htmlFor="member-q">{t('lists.addContact')}</label>
        <input id="member-q" name="q" aria-describedby={[shared ? 'member-q-rule' : '', beside.at('members[].contact') ? 'member-q-error' : ''].filter(Boolean).join(' ') || undefined}
          aria-invalid={beside.at('members[].contact') ? true : undefined} />
        <button>{t('sms.search')}</button>
        <FieldError id="member-q-error" error={beside.at('members[].contact') ?? beside.at('members[].list')} />
        {/* Said before a contact is picked, not only when one is refused. */}
        {shared && <small id="member-q-rule" className="hint">{t('reasons.sharedListRule')}</small>}
      </form>
      <ul className="plain">
        {found.map((c) => (
          <li key={c.id}>
            <button onClick={() => void act(() => post(`/v1/lists/${list.id}/members`, { members: [{ contact: c.id }] }))}>{t('lists.addNamed', { name: c.name })}</button>
          </li>
        ))}
      </ul>
    </section>
  );
}
