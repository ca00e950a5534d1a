import { invalid } from './errors.js';
import type { IdPrefix } from './ids.js';

/**
 * Page cursors, one rule for every list: a cursor is something this API gave
 * (a page's `next_cursor`), and anything else is refused with a 400 naming
 * `cursor` — never read as "no more rows". Lists sorted by several keys use
 * opaque base64url JSON; lists sorted by one key use that key as it is (an
 * id, a number, a position), checked here for its shape.
 */
export function encodeCursor(keys: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(keys)).toString('base64url');
}

const refuse = () => invalid('cursor', 'is not a cursor this API gave');

/** The keys of a cursor `accept` recognises, or a refusal naming `cursor`. */
export function decodeCursor<T>(cursor: string, accept: (keys: unknown[]) => T | null): T {
  try {
    const keys: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    const value = Array.isArray(keys) ? accept(keys) : null;
    if (value !== null) return value;
  } catch {
    // fall through to the one error below
  }
  throw refuse();
}

/** The cursor of a list sorted by a time, then an id (newest first): the last row's time and id. */
export const encodeTimeIdCursor = (at: Date, id: string): string => encodeCursor([at.toISOString(), id]);

export function decodeTimeIdCursor(cursor: string): { at: Date; id: string } {
  return decodeCursor(cursor, (keys) => {
    const [time, id] = keys;
    const at = typeof time === 'string' ? new Date(time) : null;
    return keys.length === 2 && typeof id === 'string' && at && !Number.isNaN(at.getTime()) ? { at, id } : null;
  });
}

/** A cursor that is the last row's id, of kind `prefix` (see ids.ts); undefined stays undefined. */
export function decodeIdCursor(cursor: string | undefined, prefix: IdPrefix): string | undefined {
  if (cursor === undefined) return undefined;
  if (!new RegExp(`^${prefix}_[0-9A-Za-z]{1,40}$`).test(cursor)) throw refuse();
  return cursor;
}

/** A cursor that is the last row's position in a list numbered from 0 or 1 (a bigint id, a line). */
export function decodeNumberCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  if (!/^\d{1,18}$/.test(cursor)) throw refuse();
  return cursor;
}

/** A cursor that is the last row's phone number (E.164, or the digits a network gave, e.g. a short code). */
export function decodeNumberKeyCursor(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined;
  if (!/^\+?\d{1,20}$/.test(cursor)) throw refuse();
  return cursor;
}
