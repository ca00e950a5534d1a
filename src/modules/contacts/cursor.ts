import { invalid } from '../../platform/errors.js';

/** An opaque position in name order: what the last row of a page was. */
export function encodeCursor(sortName: string, id: string): string {
  return Buffer.from(JSON.stringify([sortName, id])).toString('base64url');
}

export function decodeCursor(cursor: string): { sortName: string; id: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2 && typeof value[0] === 'string' && typeof value[1] === 'string') return { sortName: value[0], id: value[1] };
  } catch {
    // fall through to the one error below
  }
  throw invalid('cursor', 'is not a cursor this API gave');
}
