import { decodeCursor, encodeCursor } from '../../platform/cursor.js';

/** Where a page ended: the last row's place in name order, and for a search which tier it was in. */
export interface Position {
  sortName: string;
  id: string;
  tier?: number;
}

export const encodePosition = (p: Position): string => encodeCursor(p.tier === undefined ? [p.sortName, p.id] : [p.sortName, p.id, p.tier]);

export const decodePosition = (cursor: string): Position =>
  decodeCursor(cursor, ([sortName, id, tier, ...rest]) => {
    if (typeof sortName !== 'string' || typeof id !== 'string' || rest.length > 0) return null;
    if (tier === undefined) return { sortName, id };
    return tier === 0 || tier === 1 ? { sortName, id, tier } : null;
  });
