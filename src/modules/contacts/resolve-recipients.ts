import type { Executor } from '../../platform/db/index.js';
import { findContactRows, type Viewer } from './contacts.repository.js';
import { findListRows, resolveListMembers, type ResolvedMemberRow } from './lists.repository.js';
import type { PhoneType } from './types.js';

/** A `to` item of a send: a number as typed, a contact (and which of its numbers), or a list. */
export type RecipientItem = string | { contact: string; type?: PhoneType } | { list: string };

export interface ResolvedRecipient {
  /** The `to` item it came from. */
  index: number;
  /** What to show the sender: the number as typed, or the contact's name. */
  to: string;
  /** As typed for a raw item, E.164 from the address book; null when skipped. */
  number: string | null;
  contactId: string | null;
  listId: string | null;
  problem: { code: string; reason: string } | null;
}

function pick(phones: { type: PhoneType; number: string }[], type: PhoneType): string | null {
  return phones.find((p) => p.type === type)?.number ?? null;
}

function fromContact(index: number, name: string, phones: { type: PhoneType; number: string }[], type: PhoneType, contactId: string, listId: string | null): ResolvedRecipient {
  const number = pick(phones, type);
  const problem = number ? null : type === 'mobile'
    ? { code: 'contact_has_no_mobile', reason: `${name} has no mobile number` }
    : { code: 'contact_has_no_number', reason: `${name} has no ${type} number` };
  return { index, to: number ?? name, number, contactId, listId, problem };
}

/**
 * Turns the items of a send into numbers, in order, expanding lists (nested
 * ones once each, cycles cut). Nothing is removed here: duplicates and
 * unusable numbers are the sender's to judge, each with its reason.
 */
export async function resolveRecipients(db: Executor, viewer: Viewer, items: RecipientItem[]): Promise<ResolvedRecipient[]> {
  const contactIds = items.flatMap((x) => (typeof x === 'object' && 'contact' in x ? [x.contact] : []));
  const listIds = items.flatMap((x) => (typeof x === 'object' && 'list' in x ? [x.list] : []));
  const contacts = new Map((await findContactRows(db, viewer, contactIds)).map((c) => [c.id, c]));
  const lists = new Map((await findListRows(db, viewer, listIds)).map((l) => [l.id, l]));
  const members = new Map<string, ResolvedMemberRow[]>();
  for (const m of await resolveListMembers(db, [...lists.keys()])) {
    const rows = members.get(m.root);
    if (rows) rows.push(m);
    else members.set(m.root, [m]);
  }

  const out: ResolvedRecipient[] = [];
  for (const [index, item] of items.entries()) {
    if (typeof item === 'string') {
      out.push({ index, to: item, number: item, contactId: null, listId: null, problem: null });
    } else if ('contact' in item) {
      const c = contacts.get(item.contact);
      if (!c) out.push({ index, to: item.contact, number: null, contactId: null, listId: null, problem: { code: 'contact_not_found', reason: `No contact ${item.contact}` } });
      else out.push(fromContact(index, c.name, c.phones, item.type ?? 'mobile', c.id, null));
    } else {
      const list = lists.get(item.list);
      if (!list) {
        out.push({ index, to: item.list, number: null, contactId: null, listId: null, problem: { code: 'list_not_found', reason: `No list ${item.list}` } });
        continue;
      }
      for (const m of members.get(list.id) ?? []) {
        if (m.contact_id) out.push(fromContact(index, m.contact_name ?? '', m.phones ?? [], m.phone_type ?? 'mobile', m.contact_id, list.id));
        else if (m.number) out.push({ index, to: m.number, number: m.number, contactId: null, listId: list.id, problem: null });
        else if (m.email) out.push({ index, to: m.email, number: null, contactId: null, listId: list.id, problem: { code: 'not_a_phone_number', reason: `${m.email} is an email address, not a phone number` } });
      }
    }
  }
  return out;
}
