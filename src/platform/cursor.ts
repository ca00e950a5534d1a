import { invalid } from './errors.js';

/**
 * Page cursors: the sort keys of a page's last row, as base64url JSON, opaque
 * to callers. Each list says which tuples it accepts.
 */
export function encodeCursor(keys: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(keys)).toString('base64url');
}

/** The keys of a cursor `accept` recognises, or a refusal naming `cursor`. */
export function decodeCursor<T>(cursor: string, accept: (keys: unknown[]) => T | null): T {
  try {
    const keys: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const value = Array.isArray(keys) ? accept(keys) : null;
    if (value !== null) return value;
  } catch {
    // fall through to the one error below
  }
  throw invalid('cursor', 'is not a cursor this API gave');
}
