import { isEmailAddress } from '../mail/index.js';
import { countryCallingCode, parseNumber } from '../numbers/index.js';
import { CONTACT_LIMITS, PHONE_TYPES, type ContactInput, type ContactProblemCode, type PhoneType } from './types.js';

/** A contact checked and ready to store: numbers in E.164, search text built. */
export interface NormalisedContact {
  name: string;
  organisation: string | null;
  phones: { type: PhoneType; number: string }[];
  numbers: string[];
  emails: string[];
  notes: string | null;
  tags: string[];
  search: string;
  sortName: string;
}

/** What is wrong, as a sentence that stands on its own, and where. */
export type ContactProblem = { field: string; reason: string; code: ContactProblemCode };


/** Lower case without accents, so that "muller" finds "Müller". */
function fold(text: string): string {
  // Most names are plain ASCII; decomposing them is most of an import's text work.
  if (/^[\x20-\x7e]*$/.test(text)) return text.toLowerCase();
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

// Control characters go with the white space: they show as nothing.
const clean = (s: string | null | undefined) => {
  const t = (s ?? '').replace(/[\s\p{Cc}]+/gu, ' ').trim();
  return t.length > 0 ? t : null;
};

/**
 * Checks what a person or a file gave and puts it in the stored form. The
 * reasons are the ones the help pages teach: international format, no zero
 * before the country code, a mobile number where "mobile" is chosen.
 */
export function normaliseContact(input: ContactInput, defaultCountry: string): NormalisedContact | ContactProblem {
  const name = clean(input.name);
  if (!name) return { field: 'name', reason: 'The name is empty', code: 'name_missing' };
  if (name.length > CONTACT_LIMITS.name) return { field: 'name', reason: `The name is longer than ${CONTACT_LIMITS.name} characters`, code: 'too_long' };
  const organisation = clean(input.organisation);
  if (organisation && organisation.length > CONTACT_LIMITS.organisation) return { field: 'organisation', reason: `The organisation is longer than ${CONTACT_LIMITS.organisation} characters`, code: 'too_long' };
  const notes = input.notes?.trim() ? input.notes.trim() : null;
  if (notes && notes.length > CONTACT_LIMITS.notes) return { field: 'notes', reason: `The notes are longer than ${CONTACT_LIMITS.notes} characters`, code: 'too_long' };

  const given = input.phones ?? [];
  if (given.length > CONTACT_LIMITS.phones) return { field: 'phones', reason: `A contact has at most ${CONTACT_LIMITS.phones} numbers`, code: 'too_many' };
  const phones: NormalisedContact['phones'] = [];
  for (const [i, phone] of given.entries()) {
    if (!PHONE_TYPES.includes(phone.type)) return { field: `phones[${i}].type`, reason: `The number type must be one of ${PHONE_TYPES.join(', ')}`, code: 'bad_phone_type' };
    const parsed = parseNumber(phone.number, { defaultCountry, requireMobile: phone.type === 'mobile' });
    if (!parsed.ok) return { field: `phones[${i}].number`, reason: `${phone.number.trim()} ${parsed.reason}`, code: parsed.problem };
    if (!phones.some((p) => p.type === phone.type && p.number === parsed.number.e164)) phones.push({ type: phone.type, number: parsed.number.e164 });
  }

  const emails: string[] = [];
  const givenEmails = input.emails ?? [];
  if (givenEmails.length > CONTACT_LIMITS.emails) return { field: 'emails', reason: `A contact has at most ${CONTACT_LIMITS.emails} email addresses`, code: 'too_many' };
  for (const [i, raw] of givenEmails.entries()) {
    const email = raw.trim().toLowerCase();
    if (!isEmailAddress(email)) return { field: `emails[${i}]`, reason: `${raw.trim().slice(0, 60)} is not an email address`, code: 'not_an_email' };
    if (!emails.includes(email)) emails.push(email);
  }

  const tags: string[] = [];
  const givenTags = input.tags ?? [];
  if (givenTags.length > CONTACT_LIMITS.tags) return { field: 'tags', reason: `A contact has at most ${CONTACT_LIMITS.tags} tags`, code: 'too_many' };
  for (const [i, raw] of givenTags.entries()) {
    const tag = clean(raw);
    if (!tag) continue;
    if (tag.length > CONTACT_LIMITS.tag) return { field: `tags[${i}]`, reason: `A tag is at most ${CONTACT_LIMITS.tag} characters`, code: 'too_long' };
    if (!tags.includes(tag)) tags.push(tag);
  }

  return derive({ name, organisation, phones, emails, notes, tags });
}

type Fields = Omit<NormalisedContact, 'numbers' | 'search' | 'sortName'>;

function derive(c: Fields): NormalisedContact {
  const numbers = [...new Set(c.phones.map((p) => p.number))];
  const search = fold([c.name, c.organisation ?? '', ...c.emails, ...c.tags].join(' '));
  return { ...c, numbers, search, sortName: fold(c.name) };
}

const union = <T>(a: T[], b: T[], same: (x: T, y: T) => boolean, max: number) =>
  [...a, ...b.filter((y) => !a.some((x) => same(x, y)))].slice(0, max);

/**
 * What an import does with a row whose number is already in the book: the
 * contact keeps its name and gains what the row adds (numbers, addresses,
 * tags, an organisation or notes it lacked).
 */
export function mergeContact(into: NormalisedContact, extra: NormalisedContact): NormalisedContact {
  return derive({
    name: into.name,
    organisation: into.organisation ?? extra.organisation,
    phones: union(into.phones, extra.phones, (x, y) => x.type === y.type && x.number === y.number, CONTACT_LIMITS.phones),
    emails: union(into.emails, extra.emails, (x, y) => x === y, CONTACT_LIMITS.emails),
    notes: into.notes ?? extra.notes,
    tags: union(into.tags, extra.tags, (x, y) => x === y, CONTACT_LIMITS.tags),
  });
}

export function isProblem(value: NormalisedContact | ContactProblem): value is ContactProblem {
  return 'reason' in value;
}

/**
 * The search as typed: folded text, or for a number the E.164 start it stands
 * for (0475 12 in Belgium is +3247512; 0032 475 and +32 475 are +32475) and
 * its digits, which may also be the end of a number (…34 56).
 */
export function foldQuery(q: string, defaultCountry: string): { text: string } | { number: { prefix: string | null; digits: string } } {
  const typed = q.trim();
  if (!/^[+\d\s().\-/]+$/.test(typed) || !/\d/.test(typed)) return { text: fold(typed).replace(/\s+/g, ' ') };
  const digits = typed.replace(/\D/g, '');
  if (typed.startsWith('+')) return { number: { prefix: `+${digits}`, digits } };
  if (digits.startsWith('00')) return { number: { prefix: `+${digits.slice(2)}`, digits: digits.slice(2) } };
  if (digits.startsWith('0')) {
    const code = countryCallingCode(defaultCountry);
    return { number: { prefix: code ? `+${code}${digits.slice(1)}` : null, digits: digits.slice(1) } };
  }
  return { number: { prefix: `+${digits}`, digits } };
}
