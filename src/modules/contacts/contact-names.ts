import type { Executor } from '../../platform/db/index.js';
import { findNamesByNumber, type Viewer } from './contacts.repository.js';

/**
 * The contact name of each of these numbers the viewer has in an address book
 * (personal or shared), read in one statement for a whole page of a list.
 * Numbers without a contact are missing from the map.
 */
export async function contactNamesOf(db: Executor, viewer: Viewer, numbers: string[]): Promise<Map<string, string>> {
  const rows = await findNamesByNumber(db, viewer, [...new Set(numbers)]);
  return new Map(rows.map((r) => [r.number, r.name]));
}
