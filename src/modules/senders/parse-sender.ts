import { invalid } from '../../platform/errors.js';
import { parseNumber } from '../numbers/index.js';

export interface Sender {
  /** As stored and shown: `+32475123456` or `Acme`. */
  address: string;
  /** SMPP type of number / numbering plan: international 1/1, alphanumeric 5/0. */
  ton: number;
  npi: number;
  repliable: boolean;
}

export const MAX_SENDER_NAME = 11;
/**
 * What a name may hold: the characters every SMS centre and handset shows the
 * same. GSM-7 punctuation (`!`, `&`, `-`…) is dropped or replaced by some
 * networks, and `source_addr` goes over SMPP as plain ASCII, so only these.
 */
const NAME_CHARACTERS = /^[A-Za-z0-9 ]+$/;

/** Whether a name follows today's rule; names registered before it may not, and keep working. */
export const followsNameRule = (name: string): boolean => name.length <= MAX_SENDER_NAME && NAME_CHARACTERS.test(name);

/** A name registered before the rule as it is stored: sent as it is, never changed behind the account's back. */
export const registeredName = (address: string): Sender => ({ address, ton: 5, npi: 0, repliable: false });

/**
 * Checks the form of a sender; `resolveSender` decides which ones an account may use.
 * A name that does not fit is refused, never shortened: the recipient would see another name.
 */
export function parseSender(value: string, field = 'sender'): Sender {
  const text = value.trim();
  if (/^\+?[\d\s]+$/.test(text)) {
    const parsed = parseNumber(text.startsWith('+') ? text : `+${text}`);
    if (!parsed.ok) throw invalid(field, `Sender number ${parsed.reason}`, parsed.problem);
    return { address: parsed.number.e164, ton: 1, npi: 1, repliable: true };
  }
  if (text.length < 1 || text.length > MAX_SENDER_NAME) {
    throw invalid(field, `A sender name has 1 to ${MAX_SENDER_NAME} characters; ${JSON.stringify(text)} has ${text.length}`, 'sender_too_long');
  }
  if (!NAME_CHARACTERS.test(text)) {
    throw invalid(field, 'A sender name uses letters, digits and spaces only (A–Z, a–z, 0–9)', 'sender_invalid_characters');
  }
  return registeredName(text);
}
