import { Type, type Static } from '@sinclair/typebox';
import * as contacts from '../../../modules/contacts/index.js';
import type { Principal } from '../../../modules/accounts/index.js';
import { Nullable } from '../../schemas.js';

export const viewerOf = (p: Principal): contacts.Viewer => ({ accountId: p.accountId, userId: p.userId });

export const PhoneType = Type.Union(contacts.PHONE_TYPES.map((t) => Type.Literal(t)), { description: 'mobile, fax, work, home or other' });
export const AddressBook = Type.Union([Type.Literal('personal'), Type.Literal('shared')], { description: 'personal: yours alone; shared: the account\'s group address book' });
export const BookFilter = Type.Union([Type.Literal('personal'), Type.Literal('shared'), Type.Literal('all')]);

const L = contacts.CONTACT_LIMITS;
export const ContactFields = {
  name: Type.String({ minLength: 1, maxLength: L.name }),
  organisation: Type.Optional(Nullable(Type.String({ maxLength: L.organisation }))),
  phones: Type.Optional(Type.Array(Type.Object({ type: PhoneType, number: Type.String({ minLength: 1, maxLength: 40, description: 'International (+32 475 12 34 56) or national to the account\'s country' }) }, { additionalProperties: false }), { maxItems: L.phones })),
  emails: Type.Optional(Type.Array(Type.String({ minLength: 3, maxLength: L.email }), { maxItems: L.emails })),
  notes: Type.Optional(Nullable(Type.String({ maxLength: L.notes }))),
  tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: L.tag }), { maxItems: L.tags })),
};

export const ContactSchema = Type.Object({
  id: Type.String(),
  address_book: AddressBook,
  name: Type.String(),
  organisation: Nullable(Type.String()),
  phones: Type.Array(Type.Object({ type: Type.String(), number: Type.String({ description: 'E.164' }) })),
  emails: Type.Array(Type.String()),
  notes: Nullable(Type.String()),
  tags: Type.Array(Type.String()),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});

export function contactView(c: contacts.Contact): Static<typeof ContactSchema> {
  return {
    id: c.id, address_book: c.addressBook, name: c.name, organisation: c.organisation, phones: c.phones, emails: c.emails,
    notes: c.notes, tags: c.tags, created_at: c.createdAt.toISOString(), updated_at: c.updatedAt.toISOString(),
  };
}

export const ListSchema = Type.Object({
  id: Type.String(),
  address_book: AddressBook,
  name: Type.String(),
  description: Nullable(Type.String()),
  members: Type.Integer({ description: 'Direct members, nested lists counted once each' }),
  created_at: Type.String({ format: 'date-time' }),
  updated_at: Type.String({ format: 'date-time' }),
});

export function listView(l: contacts.ContactList): Static<typeof ListSchema> {
  return {
    id: l.id, address_book: l.addressBook, name: l.name, description: l.description, members: l.members,
    created_at: l.createdAt.toISOString(), updated_at: l.updatedAt.toISOString(),
  };
}

export const MemberSchema = Type.Object({
  id: Type.String(),
  contact: Nullable(Type.Object({ id: Type.String(), name: Type.String(), type: Nullable(Type.String({ description: 'Which number; null = mobile' })) })),
  number: Nullable(Type.String()),
  email: Nullable(Type.String()),
  list: Nullable(Type.Object({ id: Type.String(), name: Type.String() })),
});

export const MemberInputSchema = Type.Union([
  Type.Object({ contact: Type.String({ minLength: 1, maxLength: 64 }), type: Type.Optional(PhoneType) }, { additionalProperties: false }),
  Type.Object({ number: Type.String({ minLength: 1, maxLength: 40 }) }, { additionalProperties: false }),
  Type.Object({ email: Type.String({ minLength: 3, maxLength: 254 }) }, { additionalProperties: false }),
  Type.Object({ list: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false }),
]);

export const Page = {
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
  cursor: Type.Optional(Type.String({ maxLength: 400 })),
};
