import { CONTACT_LIMITS, type ContactInput, type ContactProblemCode, type PhoneType } from '../types.js';
import { restoreNeutralisedCell } from './csv-write.js';

export const CONTACT_FIELDS = [
  'name',
  'first_name',
  'last_name',
  'organisation',
  'mobile',
  'fax',
  'work',
  'home',
  'other',
  'email',
  'notes',
  'tags',
  'ignore',
] as const;
export type ContactField = (typeof CONTACT_FIELDS)[number];

type PhoneField = ContactField & PhoneType;
const PHONE_FIELDS: readonly PhoneField[] = ['mobile', 'fax', 'work', 'home', 'other'];
const SINGLE_FIELDS: readonly ContactField[] = ['name', 'first_name', 'last_name', 'organisation', 'notes'];

// Header names after normalise(), from hand-made sheets and the exports of Outlook, Google,
// Apple and common CRMs in English, Dutch, German and French.
const SYNONYMS: Record<Exclude<ContactField, 'ignore'>, string[]> = {
  name: ['name', 'full name', 'fullname', 'display name', 'contact', 'contact name', 'naam', 'volledige naam',
    'weergavenaam', 'contactpersoon', 'vollstandiger name', 'anzeigename', 'kontakt', 'nom', 'nom complet'],
  first_name: ['first name', 'firstname', 'given name', 'forename', 'voornaam', 'roepnaam', 'vorname', 'prenom'],
  last_name: ['last name', 'lastname', 'surname', 'family name', 'achternaam', 'familienaam', 'nachname',
    'familienname', 'nom de famille'],
  organisation: ['company', 'company name', 'organisation', 'organization', 'organization name', 'org', 'bedrijf',
    'bedrijfsnaam', 'organisatie', 'firma', 'firmenname', 'unternehmen', 'societe', 'entreprise'],
  mobile: ['mobile', 'mobile phone', 'mobile number', 'cell', 'cell phone', 'cellphone', 'cellular', 'gsm',
    'gsm nummer', 'mobiel', 'mobiele telefoon', 'mobiel nummer', 'mobielnummer', 'handy', 'handynummer', 'mobil',
    'mobiltelefon', 'portable', 'telephone portable', 'tel portable', 'tel mobile', 'telephone mobile'],
  fax: ['fax', 'fax number', 'business fax', 'home fax', 'other fax', 'faxnummer', 'fax op werk', 'fax thuis',
    'fax geschaftlich', 'fax privat', 'telecopie', 'telecopie bureau', 'telecopie domicile', 'fax bureau'],
  work: ['work', 'work phone', 'business phone', 'business', 'office phone', 'company main phone', 'werk',
    'telefoon werk', 'telefoon op werk', 'werktelefoon', 'zakelijk', 'geschaftlich', 'telefon geschaftlich',
    'dienstlich', 'buro', 'travail', 'telephone travail', 'bureau', 'telephone bureau', 'tel bureau'],
  home: ['home', 'home phone', 'private phone', 'thuis', 'telefoon thuis', 'prive', 'privat', 'telefon privat',
    'domicile', 'telephone domicile', 'tel domicile', 'maison'],
  other: ['phone', 'phone number', 'phone value', 'telephone', 'telephone number', 'tel', 'other phone',
    'primary phone', 'telefoon', 'telefoonnummer', 'overig', 'telefon', 'telefonnummer', 'numero',
    'numero de telephone', 'autre telephone'],
  email: ['email', 'e mail', 'mail', 'email address', 'e mail address', 'e mail value', 'emailadres', 'e mailadres',
    'e mail adres', 'e mail adresse', 'mail adresse', 'courriel', 'adresse courriel', 'adresse e mail',
    'adresse email', 'adresse de messagerie', 'adresse electronique'],
  notes: ['notes', 'note', 'comments', 'comment', 'notities', 'notitie', 'opmerkingen', 'opmerking', 'notizen',
    'notiz', 'bemerkungen', 'remarques', 'remarque', 'commentaire', 'commentaires'],
  tags: ['tags', 'tag', 'labels', 'label', 'groups', 'group', 'group membership', 'categories', 'category',
    'groepen', 'groep', 'categorieen', 'etiketten', 'kategorien', 'kategorie', 'gruppen', 'gruppe', 'etiquettes',
    'groupes'],
};

const FIELD_BY_HEADER = new Map<string, ContactField>(
  Object.entries(SYNONYMS).flatMap(([field, names]) => names.map((n) => [n, field as ContactField] as const)),
);

// In French, Belgian Dutch and German forms a bare "Nom"/"Naam"/"Name" next to
// "Prénom"/"Voornaam"/"Vorname" is the family name (Outlook's French export does this).
const BARE_NAMES = new Set(['name', 'naam', 'nom']);

/** "E-mail 2 Address" → "e mail address"; "Prénom" → "prenom"; "Geschäftlich" → "geschaftlich". */
function normalise(header: string): string {
  return header
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[^a-z]+/g, ' ')
    .trim();
}

/** A first guess of what each column holds, for the user to correct. */
export function suggestMapping(headers: string[]): ContactField[] {
  const normalised = headers.map(normalise);
  const fields = normalised.map((h) => FIELD_BY_HEADER.get(h) ?? 'ignore');
  if (fields.includes('first_name') && !fields.includes('last_name')) {
    const i = fields.findIndex((f, j) => f === 'name' && BARE_NAMES.has(normalised[j] ?? ''));
    if (i !== -1) fields[i] = 'last_name';
  }
  const seen = new Set<ContactField>();
  return fields.map((f) => {
    if (!SINGLE_FIELDS.includes(f)) return f;
    if (seen.has(f)) return 'ignore';
    seen.add(f);
    return f;
  });
}

export type RowResult =
  | { ok: true; contact: ContactInput }
  | { ok: false; field: ContactField; reason: string; code: ContactProblemCode };

/** Builds a contact from one CSV row; phone numbers stay as written, checked later. */
export function rowToContact(cells: string[], mapping: ContactField[]): RowResult {
  const values = new Map<ContactField, string[]>();
  mapping.forEach((field, i) => {
    const cell = restoreNeutralisedCell((cells[i] ?? '').trim()).trim();
    if (field === 'ignore' || cell === '') return;
    values.set(field, [...(values.get(field) ?? []), cell]);
  });
  const text = (field: ContactField, sep = ' ') => (values.get(field) ?? []).join(sep);

  const organisation = text('organisation');
  const name = text('name') || [text('first_name'), text('last_name')].filter(Boolean).join(' ') || organisation;
  const notes = text('notes', '\n');
  if (name === '') return fail('name', 'The row has no name (map a name, first name, last name or organisation column)', 'name_missing');
  if (name.length > CONTACT_LIMITS.name) return fail('name', `The name is longer than ${CONTACT_LIMITS.name} characters`, 'too_long');
  if (organisation.length > CONTACT_LIMITS.organisation) {
    return fail('organisation', `The organisation is longer than ${CONTACT_LIMITS.organisation} characters`, 'too_long');
  }
  if (notes.length > CONTACT_LIMITS.notes) return fail('notes', `The notes are longer than ${CONTACT_LIMITS.notes} characters`, 'too_long');

  const phones: { type: PhoneType; number: string }[] = [];
  for (const type of PHONE_FIELDS) {
    for (const number of (values.get(type) ?? []).flatMap(splitPhones)) {
      if (phones.some((p) => p.type === type && p.number === number)) continue;
      if (phones.length === CONTACT_LIMITS.phones) {
        return fail(type, `The row has more than ${CONTACT_LIMITS.phones} phone numbers`, 'too_many');
      }
      phones.push({ type, number });
    }
  }

  const emails = unique((values.get('email') ?? []).flatMap((c) => c.split(/[;,\s]+/)).map((e) => e.toLowerCase()));
  if (emails.length > CONTACT_LIMITS.emails) {
    return fail('email', `The row has more than ${CONTACT_LIMITS.emails} e-mail addresses`, 'too_many');
  }
  if (emails.some((e) => e.length > CONTACT_LIMITS.email)) {
    return fail('email', `An e-mail address is longer than ${CONTACT_LIMITS.email} characters`, 'too_long');
  }

  const tags = unique((values.get('tags') ?? []).flatMap((c) => c.split(/[,;|]/)));
  if (tags.length > CONTACT_LIMITS.tags) {
    return fail('tags', `The row has more than ${CONTACT_LIMITS.tags} tags`, 'too_many');
  }
  if (tags.some((t) => t.length > CONTACT_LIMITS.tag)) {
    return fail('tags', `A tag is longer than ${CONTACT_LIMITS.tag} characters`, 'too_long');
  }

  return {
    ok: true,
    contact: { name, organisation: organisation || null, phones, emails, notes: notes || null, tags },
  };
}

/** "+32 2 555 01 23; +32 470 12 34 56" and "0612345678 / 0201234567" hold two numbers each. */
function splitPhones(cell: string): string[] {
  return cell
    .split(/;| \/ /)
    .map((n) => n.trim())
    .filter((n) => n !== '');
}

function unique(items: string[]): string[] {
  return [...new Set(items.map((i) => i.trim()).filter((i) => i !== ''))];
}

function fail(field: ContactField, reason: string, code: ContactProblemCode): RowResult {
  return { ok: false, field, reason, code };
}
