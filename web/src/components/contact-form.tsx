import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { patch, post } from '../api';
import type { FieldLabels } from '../errors';
import type { Contact, Phone } from '../types';
import { ErrorNote, Field, FieldError, SelectField, splitError, TextField } from './ui';

export const PHONE_TYPES = ['mobile', 'work', 'home', 'fax', 'other'] as const;

/** A contact's fields as the API names them (`phones[0].number`), by their labels on this form. */
export const contactFields = (t: (key: string, options?: Record<string, unknown>) => string): FieldLabels => ({
  name: t('contacts.name'), organisation: t('contacts.organisation'), notes: t('contacts.notes'), address_book: t('contacts.addressBook'),
  phones: t('contacts.phones'), 'phones[].number': ([i = 0]) => t('contacts.phoneNumber', { n: i + 1 }), 'phones[].type': ([i = 0]) => t('contacts.phoneType', { n: i + 1 }),
  emails: t('contacts.emails'), 'emails[]': t('contacts.emails'), tags: t('contacts.tags'), 'tags[]': t('contacts.tags'),
});

/** Create or edit a contact; each number has its type as a pull-down. */
export function ContactForm({ contact, onSaved, onCancel }: { contact: Contact | null; onSaved: (c: Contact) => void; onCancel: () => void }) {
  const { t } = useTranslation();
  const [phones, setPhones] = useState<Phone[]>(contact?.phones.length ? contact.phones : [{ type: 'mobile', number: '' }]);
  const [error, setError] = useState<unknown>(null);
  const beside = splitError(error, t, ['name', 'organisation', 'notes', 'address_book', 'phones', 'phones[].number', 'phones[].type', 'emails', 'emails[]', 'tags', 'tags[]']);
  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const list = (name: string) => String(f.get(name) ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const body = {
      name: String(f.get('name')),
      organisation: String(f.get('organisation') ?? '') || null,
      phones: phones.filter((p) => p.number.trim()),
      emails: list('emails'),
      tags: list('tags'),
      notes: String(f.get('notes') ?? '') || null,
    };
    setError(null);
    try {
      onSaved(contact ? await patch<Contact>(`/v1/contacts/${contact.id}`, body) : await post<Contact>('/v1/contacts', { ...body, address_book: f.get('address_book') }));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <form onSubmit={submit} className="card" aria-label={contact ? t('contacts.edit') : t('contacts.new')}>
      <h2>{contact ? t('contacts.editTitle', { name: contact.name }) : t('contacts.new')}</h2>
      <Field label={t('contacts.name')} name="name" defaultValue={contact?.name} error={beside.at('name')} required />
      <Field label={t('contacts.organisation')} name="organisation" defaultValue={contact?.organisation ?? ''} error={beside.at('organisation')} />
      <fieldset>
        <legend>{t('contacts.phones')}</legend>
        <p className="hint">{t('contacts.phoneHint')}</p>
        <FieldError id="phones-error" error={beside.at('phones')} />
        {phones.map((p, i) => (
          <div className="phone-row" key={i}>
            <select aria-label={t('contacts.phoneType', { n: i + 1 })} value={p.type} onChange={(e) => setPhones(phones.map((x, j) => (j === i ? { ...x, type: e.target.value } : x)))}>
              {PHONE_TYPES.map((type) => <option key={type} value={type}>{t(`contacts.type.${type}`)}</option>)}
            </select>
            <input aria-label={t('contacts.phoneNumber', { n: i + 1 })} type="tel" value={p.number}
              aria-invalid={beside.at(`phones[${i}].number`) ? true : undefined} aria-describedby={beside.at(`phones[${i}].number`) || beside.at(`phones[${i}].type`) ? `phone-${i}-error` : undefined} onChange={(e) => setPhones(phones.map((x, j) => (j === i ? { ...x, number: e.target.value } : x)))} />
            <button type="button" className="link" onClick={() => setPhones(phones.filter((_, j) => j !== i))} aria-label={t('contacts.removePhone', { n: i + 1 })}>✕</button>
            <FieldError id={`phone-${i}-error`} error={beside.at(`phones[${i}].number`) ?? beside.at(`phones[${i}].type`)} />
          </div>
        ))}
        <button type="button" onClick={() => setPhones([...phones, { type: 'mobile', number: '' }])}>{t('contacts.addPhone')}</button>
      </fieldset>
      <Field label={t('contacts.emails')} hint={t('contacts.commaHint')} name="emails" error={beside.at('emails') ?? beside.at('emails[]')} defaultValue={contact?.emails.join(', ')} />
      <Field label={t('contacts.tags')} hint={t('contacts.commaHint')} name="tags" error={beside.at('tags') ?? beside.at('tags[]')} defaultValue={contact?.tags.join(', ')} />
      <TextField label={t('contacts.notes')} error={beside.at('notes')} name="notes" defaultValue={contact?.notes ?? ''} rows={3} />
      {!contact && (
        <SelectField label={t('contacts.addressBook')} name="address_book" defaultValue="personal" error={beside.at('address_book')}>
          <option value="personal">{t('contacts.book.personal')}</option>
          <option value="shared">{t('contacts.book.shared')}</option>
        </SelectField>
      )}
      <ErrorNote error={beside.rest} fields={contactFields(t)} />
      <p className="actions">
        <button className="primary">{t('common.save')}</button>
        <button type="button" onClick={onCancel}>{t('common.cancel')}</button>
      </p>
    </form>
  );
}
