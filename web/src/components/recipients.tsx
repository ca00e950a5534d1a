import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { get, query } from '../api';
import { useFormat } from '../format';
import type { Contact, ContactList, Page } from '../types';
import { ErrorNote } from './ui';

export type Recipient =
  /** `name`: the contact name the number came with (a reply to a known sender). */
  | { kind: 'number'; number: string; name?: string }
  | { kind: 'contact'; id: string; name: string; number: string }
  | { kind: 'list'; id: string; name: string; members: number };

export const recipientKey = (r: Recipient) => (r.kind === 'number' ? `n:${r.number}` : `${r.kind}:${r.id}`);

/** What POST /v1/messages takes as a `to` item. */
export const toItem = (r: Recipient) => (r.kind === 'number' ? r.number : r.kind === 'contact' ? { contact: r.id } : { list: r.id });

export function RecipientList({ items, onRemove }: { items: Recipient[]; onRemove: (r: Recipient) => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  if (items.length === 0) return <p className="hint">{t('sms.noRecipients')}</p>;
  return (
    <ul className="recipients" aria-label={t('sms.recipients')}>
      {items.map((r) => (
        <li key={recipientKey(r)}>
          {r.kind === 'list' ? (
            <span>{t('sms.listItem', { name: r.name, count: r.members, n: f.number(r.members) })}</span>
          ) : r.name ? (
            // A person is named; their number stays at hand as smaller text and as the tooltip.
            <span title={r.number}>{r.name} <small className="hint">{r.number}</small></span>
          ) : (
            <span>{r.number}</span>
          )}
          <button type="button" className="link" onClick={() => onRemove(r)} aria-label={t('sms.remove', { name: r.kind === 'number' ? r.name ?? r.number : r.name })}>
            ✕
          </button>
        </li>
      ))}
    </ul>
  );
}

/** Search in the personal and shared address books for contacts and lists to add. */
export function RecipientSearch({ onPick }: { onPick: (r: Recipient) => void }) {
  const { t } = useTranslation();
  const f = useFormat();
  const [q, setQ] = useState('');
  const [results, setResults] = useState<{ contacts: Contact[]; lists: ContactList[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  // Not a form: this sits inside the SMS form, and forms do not nest.
  const search = async () => {
    setError(null);
    try {
      const qs = query({ q, address_book: 'all', limit: 20 });
      const [contacts, lists] = await Promise.all([get<Page<Contact>>(`/v1/contacts${qs}`), get<Page<ContactList>>(`/v1/lists${qs}`)]);
      setResults({ contacts: contacts.data, lists: lists.data });
    } catch (err) {
      setError(err);
    }
  };
  const book = (b: string) => t(`contacts.book.${b}`);
  return (
    <div className="search-box">
      <div className="inline" role="search">
        <label htmlFor="recipient-search">{t('sms.searchLabel')}</label>
        <input
          id="recipient-search"
          value={q}
          onChange={(e) => setQ(e.target.value)}
          placeholder={t('sms.searchPlaceholder')}
          onKeyDown={(e) => {
            if (e.key === 'Enter') {
              e.preventDefault();
              void search();
            }
          }}
        />
        <button type="button" onClick={() => void search()}>{t('sms.search')}</button>
      </div>
      <ErrorNote error={error} />
      {/* In the page before the first results, so they are read when they come. */}
      <div className="search-results" aria-live="polite">
        {results && (
          <>
          {results.contacts.length === 0 && results.lists.length === 0 && <p>{t('common.nothingFound')}</p>}
          {results.lists.length > 0 && (
            <>
              <h3>{t('tools.lists.name')}</h3>
              <ul>
                {results.lists.map((l) => (
                  <li key={l.id}>
                    <button type="button" onClick={() => onPick({ kind: 'list', id: l.id, name: l.name, members: l.members })}>
                      {t('sms.addList', { name: l.name, count: l.members, n: f.number(l.members) })}
                    </button>{' '}
                    <small>{book(l.address_book)}</small>
                  </li>
                ))}
              </ul>
            </>
          )}
          {results.contacts.length > 0 && (
            <>
              <h3>{t('tools.contacts.name')}</h3>
              <ul>
                {results.contacts.map((c) => {
                  const mobile = c.phones.find((p) => p.type === 'mobile');
                  return (
                    <li key={c.id}>
                      {mobile ? (
                        <button type="button" onClick={() => onPick({ kind: 'contact', id: c.id, name: c.name, number: mobile.number })}>
                          {t('sms.addContact', { name: c.name, number: mobile.number })}
                        </button>
                      ) : (
                        <span>{t('sms.noMobile', { name: c.name })}</span>
                      )}{' '}
                      <small>{book(c.address_book)}</small>
                    </li>
                  );
                })}
              </ul>
            </>
          )}
          </>
        )}
      </div>
    </div>
  );
}
