import type { Executor } from '../../platform/db/index.js';
import { deleteOldEvents } from './events.repository.js';

/**
 * Events, deliveries and their attempts are kept a month for the delivery log
 * and replays, then deleted. True while there is more to delete.
 */
export async function pruneWebhookEvents(db: Executor, options: { now?: Date; keepDays?: number } = {}): Promise<boolean> {
  const before = new Date((options.now ?? new Date()).getTime() - (options.keepDays ?? 30) * 86_400_000);
  return (await deleteOldEvents(db, before, 2000)) === 2000;
}
