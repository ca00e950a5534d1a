import { describe, expect, it } from 'vitest';
import { CONTACT_LIMITS } from '../types.js';
import { CONTACT_FIELDS, rowToContact, suggestMapping, type ContactField } from './csv-mapping.js';

describe('suggestMapping', () => {
  it('recognises English headers, as Outlook and Google export them', () => {
    expect(
      suggestMapping(['First Name', 'Last Name', 'Company', 'Mobile Phone', 'Business Fax', 'Business Phone',
        'Home Phone', 'Other Phone', 'E-mail Address', 'E-mail 2 Address', 'Notes', 'Categories', 'Job Title']),
    ).toEqual(['first_name', 'last_name', 'organisation', 'mobile', 'fax', 'work', 'home', 'other', 'email', 'email',
      'notes', 'tags', 'ignore']);
    expect(suggestMapping(['Name', 'Given Name', 'Family Name', 'Phone 1 - Value', 'E-mail 1 - Value', 'Labels']))
      .toEqual(['name', 'first_name', 'last_name', 'other', 'email', 'tags']);
  });

  it('recognises Dutch headers', () => {
    expect(suggestMapping(['Naam', 'Bedrijf', 'Mobiel', 'GSM', 'Telefoon werk', 'Thuis', 'Telefoon', 'E-mailadres',
      'Notities', 'Groepen'])).toEqual(['name', 'organisation', 'mobile', 'mobile', 'work', 'home', 'other', 'email',
      'notes', 'tags']);
    expect(suggestMapping(['Voornaam', 'Achternaam', 'Categorieën'])).toEqual(['first_name', 'last_name', 'tags']);
  });

  it('recognises German headers', () => {
    expect(suggestMapping(['Vorname', 'Nachname', 'Firma', 'Handy', 'Fax', 'Geschäftlich', 'Privat', 'Telefon',
      'E-Mail-Adresse', 'Notizen', 'Kategorien'])).toEqual(['first_name', 'last_name', 'organisation', 'mobile', 'fax',
      'work', 'home', 'other', 'email', 'notes', 'tags']);
  });

  it('recognises French headers, accents and case aside', () => {
    expect(suggestMapping(['NOM', 'Société', 'Portable', 'Télécopie', 'Travail', 'Domicile', 'Téléphone', 'Courriel',
      'Remarques', 'Catégories'])).toEqual(['name', 'organisation', 'mobile', 'fax', 'work', 'home', 'other', 'email',
      'notes', 'tags']);
    expect(suggestMapping(['Prénom', 'Nom de famille'])).toEqual(['first_name', 'last_name']);
  });

  it('reads a bare Nom/Naam/Name next to a first name as the family name', () => {
    expect(suggestMapping(['Prénom', 'Nom'])).toEqual(['first_name', 'last_name']);
    expect(suggestMapping(['Voornaam', 'Naam'])).toEqual(['first_name', 'last_name']);
    expect(suggestMapping(['Full name', 'First name'])).toEqual(['name', 'first_name']);
  });

  it('maps a singular field once, phones, e-mails and tags as often as they come', () => {
    expect(suggestMapping(['Name', 'Naam', 'Notes', 'Notizen', 'Mobile', 'Cell', 'Email', 'Courriel', 'Tags', 'Labels',
      'Shoe size', ''])).toEqual(['name', 'ignore', 'notes', 'ignore', 'mobile', 'mobile', 'email', 'email', 'tags',
      'tags', 'ignore', 'ignore']);
  });

  it('only suggests known fields', () => {
    const all = suggestMapping(['name', 'tel', 'x', 'fax']);
    for (const f of all) expect(CONTACT_FIELDS).toContain(f);
  });
});

describe('rowToContact', () => {
  const mapping: ContactField[] = ['first_name', 'last_name', 'organisation', 'mobile', 'work', 'email', 'notes', 'tags'];

  it('builds a contact, splitting numbers, e-mails and tags', () => {
    const result = rowToContact(
      [' Hélène ', 'Dubois', 'Dubois & Fils', '+32 470 12 34 56; 0471 11 22 33', '02 555 01 23 / 02 555 01 24',
        'Helene@Example.BE, h.dubois@example.be; helene@example.be  other@example.be', 'Allergic to nuts',
        'vip; clients| vip ,,'],
      mapping,
    );
    expect(result).toEqual({
      ok: true,
      contact: {
        name: 'Hélène Dubois',
        organisation: 'Dubois & Fils',
        phones: [
          { type: 'mobile', number: '+32 470 12 34 56' },
          { type: 'mobile', number: '0471 11 22 33' },
          { type: 'work', number: '02 555 01 23' },
          { type: 'work', number: '02 555 01 24' },
        ],
        emails: ['helene@example.be', 'h.dubois@example.be', 'other@example.be'],
        notes: 'Allergic to nuts',
        tags: ['vip', 'clients'],
      },
    });
  });

  it('prefers the name column, then first and last name, then the organisation', () => {
    const m: ContactField[] = ['name', 'first_name', 'last_name', 'organisation'];
    expect(rowToContact(['Jan Jansen', 'J', 'J', 'Org'], m)).toMatchObject({ ok: true, contact: { name: 'Jan Jansen' } });
    expect(rowToContact(['', '', 'Jansen', 'Org'], m)).toMatchObject({ ok: true, contact: { name: 'Jansen' } });
    expect(rowToContact([' ', '', '', 'Bakkerij Jansen'], m)).toMatchObject({
      ok: true,
      contact: { name: 'Bakkerij Jansen', organisation: 'Bakkerij Jansen' },
    });
    expect(rowToContact(['', '', '', ''], m)).toEqual({
      ok: false,
      field: 'name',
      reason: 'The row has no name (map a name, first name, last name or organisation column)',
      code: 'name_missing',
    });
  });

  it('gives empty optional fields as null or empty lists, and ignores missing cells', () => {
    expect(rowToContact(['Jan'], ['name', 'organisation', 'mobile', 'notes', 'tags', 'ignore'])).toEqual({
      ok: true,
      contact: { name: 'Jan', organisation: null, phones: [], emails: [], notes: null, tags: [] },
    });
  });

  it('takes back the quote that the export puts before formula characters', () => {
    expect(rowToContact(["'t Hart", "'+32470123456", "'- call back"], ['name', 'mobile', 'notes'])).toMatchObject({
      ok: true,
      contact: { name: "'t Hart", phones: [{ type: 'mobile', number: '+32470123456' }], notes: '- call back' },
    });
  });

  it('enforces the contact limits, naming the field', () => {
    const long = (n: number) => 'x'.repeat(n + 1);
    expect(rowToContact([long(CONTACT_LIMITS.name)], ['name'])).toMatchObject({ ok: false, field: 'name', code: 'too_long' });
    expect(rowToContact(['Jan', long(CONTACT_LIMITS.organisation)], ['name', 'organisation'])).toMatchObject({
      ok: false,
      field: 'organisation',
    });
    expect(rowToContact(['Jan', long(CONTACT_LIMITS.notes)], ['name', 'notes'])).toMatchObject({ ok: false, field: 'notes' });
    const numbers = Array.from({ length: CONTACT_LIMITS.phones + 1 }, (_, i) => `06${i}`).join(';');
    expect(rowToContact(['Jan', numbers], ['name', 'home'])).toEqual({
      ok: false,
      field: 'home',
      reason: `The row has more than ${CONTACT_LIMITS.phones} phone numbers`,
      code: 'too_many',
    });
    const emails = Array.from({ length: CONTACT_LIMITS.emails + 1 }, (_, i) => `a${i}@x.nl`).join(' ');
    expect(rowToContact(['Jan', emails], ['name', 'email'])).toMatchObject({ ok: false, field: 'email' });
    expect(rowToContact(['Jan', `${long(CONTACT_LIMITS.email)}@x.nl`], ['name', 'email'])).toMatchObject({
      ok: false,
      field: 'email',
    });
    const tags = Array.from({ length: CONTACT_LIMITS.tags + 1 }, (_, i) => `t${i}`).join(',');
    expect(rowToContact(['Jan', tags], ['name', 'tags'])).toMatchObject({ ok: false, field: 'tags' });
    expect(rowToContact(['Jan', long(CONTACT_LIMITS.tag)], ['name', 'tags'])).toMatchObject({ ok: false, field: 'tags' });
    // Exactly at the limits is fine.
    expect(rowToContact(['x'.repeat(CONTACT_LIMITS.name), 't'.repeat(CONTACT_LIMITS.tag)], ['name', 'tags']).ok).toBe(true);
  });
});
