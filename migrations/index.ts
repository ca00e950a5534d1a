import type { Migration } from 'kysely';
import * as m0001 from './0001_foundation.js';

/** Forward-only, in order. A released migration is never edited: add the next one. */
export const migrations: Record<string, Migration> = {
  '0001_foundation': m0001,
};
