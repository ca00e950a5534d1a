import type { NumberProblem } from '../numbers/index.js';

/** A number's kind, as the address book offers it in its pull-down. */
export const PHONE_TYPES = ['mobile', 'fax', 'work', 'home', 'other'] as const;
export type PhoneType = (typeof PHONE_TYPES)[number];

/** Personal: one user's. Shared: the account's group address book. */
export type AddressBook = 'personal' | 'shared';

/** A contact as a person or a file gives it: numbers not yet checked. */
export interface ContactInput {
  name: string;
  organisation?: string | null;
  phones?: { type: PhoneType; number: string }[];
  emails?: string[];
  notes?: string | null;
  tags?: string[];
}

/** A contact as stored: numbers in E.164. */
export interface Contact {
  id: string;
  addressBook: AddressBook;
  name: string;
  organisation: string | null;
  phones: { type: PhoneType; number: string }[];
  emails: string[];
  notes: string | null;
  tags: string[];
  createdAt: Date;
  updatedAt: Date;
}

/**
 * Why a contact or an import row is refused, as a stable code clients
 * translate; number problems use the numbers module's codes (`not_mobile`…).
 */
export const CONTACT_PROBLEM_CODES = ['name_missing', 'too_long', 'too_many', 'not_an_email', 'bad_phone_type', 'unreadable'] as const;
export type ContactProblemCode = (typeof CONTACT_PROBLEM_CODES)[number] | NumberProblem;

/** Limits that a form, the API and an import all enforce alike. */
export const CONTACT_LIMITS = {
  name: 200,
  organisation: 200,
  notes: 10_000,
  phones: 20,
  emails: 20,
  email: 254,
  tags: 50,
  tag: 50,
} as const;
