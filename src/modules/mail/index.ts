export { MailConfigSchema, type MailConfig } from './config.js';
export { enqueueEmail, type OutgoingEmail } from './enqueue-email.js';
export { deliverDueEmails, createSmtpTransport, type MailTransport } from './deliver-outbox.js';
export { REDACTED, listOutbox, forgetEmailSecrets, forgetExpiredEmailSecrets, type OutboxRow, type OutboxEmail } from './mail.repository.js';
export { isEmailAddress } from './email-address.js';
