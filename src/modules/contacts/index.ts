export { PHONE_TYPES, CONTACT_LIMITS, type PhoneType, type AddressBook, type Contact, type ContactInput } from './types.js';
export type { Viewer } from './contacts.repository.js';
export { createContact, getContact, updateContact, deleteContact, searchContacts, type ContactQuery } from './contacts.js';
export {
  createList, getList, searchLists, updateList, deleteList, listMembers, addListMembers, removeListMember,
  type ContactList, type ListMember, type MemberInput,
} from './lists.js';
export { contactNamesOf } from './contact-names.js';
export { resolveRecipients, type RecipientItem, type ResolvedRecipient } from './resolve-recipients.js';
export { suppressNumber, unsuppressNumber, getSuppression, listSuppressions, findSuppressed, recordOptOut, type Suppression } from './suppressions.js';
export type { SuppressionSource } from './suppressions.repository.js';
export {
  uploadImport, getImport, listImports, previewImport, startImport, cancelImport, listImportErrors, MAX_IMPORT_BYTES,
  type ContactImport, type ImportPreview,
} from './import-contacts.js';
export { runNextImport, type ImportRunOptions } from './run-import.js';
export { exportContacts, type ExportOptions } from './export-contacts.js';
export { CONTACT_FIELDS, type ContactField } from './formats/csv-mapping.js';
