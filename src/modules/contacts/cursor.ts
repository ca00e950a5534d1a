import { invalid } from '../../platform/errors.js';

/** Where a page ended: the last row's place in name order, and for a search which tier it was in. */
export interface Position {
  sortName: string;
  id: string;
  tier?: number;
}

/** Opaque to callers: what the last row of a page was. */
export function encodeCursor(p: Position): string {
  return Buffer.from(JSON.stringify(p.tier === undefined ? [p.sortName, p.id] : [p.sortName, p.id, p.tier])).toString('base64url');
}

export function decodeCursor(cursor: string): Position {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && (v.length === 2 || v.length === 3) && typeof v[0] === 'string' && typeof v[1] === 'string') {
      if (v.length === 2) return { sortName: v[0], id: v[1] };
      if (v[2] === 0 || v[2] === 1) return { sortName: v[0], id: v[1], tier: v[2] };
    }
  } catch {
    // fall through to the one error below
  }
  throw invalid('cursor', 'is not a cursor this API gave');
}
