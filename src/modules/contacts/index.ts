export { PHONE_TYPES, CONTACT_LIMITS, type PhoneType, type AddressBook, type Contact, type ContactInput } from './types.js';
export type { Viewer } from './contacts.repository.js';
export { createContact, getContact, updateContact, deleteContact, searchContacts, type ContactQuery } from './contacts.js';
export {
  createList, getList, searchLists, updateList, deleteList, listMembers, addListMembers, removeListMember,
  type ContactList, type ListMember, type MemberInput,
} from './lists.js';
export { resolveRecipients, type RecipientItem, type ResolvedRecipient } from './resolve-recipients.js';
export { suppressNumber, unsuppressNumber, getSuppression, listSuppressions, findSuppressed, type Suppression } from './suppressions.js';
export type { SuppressionSource } from './suppressions.repository.js';
