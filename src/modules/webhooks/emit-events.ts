import type { Executor } from '../../platform/db/index.js';
import type { NewEvent } from './types.js';

/**
 * Stores events and one delivery per receiver in the caller's transaction, so
 * an event exists exactly when the change it reports commits. Events nobody
 * receives are not stored.
 */
export async function emitEvents(_db: Executor, _events: NewEvent[]): Promise<void> {
  throw new Error('emitEvents: not written yet');
}
