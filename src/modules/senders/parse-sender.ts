import { invalid } from '../../platform/errors.js';
import { isGsm7 } from '../sms-text/index.js';
import { parseNumber } from '../numbers/index.js';

export interface Sender {
  /** As stored and shown: `+32475123456` or `Acme`. */
  address: string;
  /** SMPP type of number / numbering plan: international 1/1, alphanumeric 5/0. */
  ton: number;
  npi: number;
  repliable: boolean;
}

/** Checks the form of a sender; `resolveSender` decides which ones an account may use. */
export function parseSender(value: string, field = 'sender'): Sender {
  const text = value.trim();
  if (/^\+?[\d\s]+$/.test(text)) {
    const parsed = parseNumber(text.startsWith('+') ? text : `+${text}`);
    if (!parsed.ok) throw invalid(field, `Sender number ${parsed.reason}`);
    return { address: parsed.number.e164, ton: 1, npi: 1, repliable: true };
  }
  if (text.length < 1 || text.length > 11) throw invalid(field, 'An alphanumeric sender has 1 to 11 characters');
  if (!isGsm7(text) || /[\r\n\x1b\f{}[\]~|\\^€]/.test(text)) throw invalid(field, 'An alphanumeric sender uses letters, digits, spaces and basic punctuation only');
  return { address: text, ton: 5, npi: 0, repliable: false };
}
