import type { Executor } from '../../platform/db/index.js';
import { emitMessageEvents } from './finish-parts.js';
import { closeSilentParts, recomputeMessages } from './progress.repository.js';

/** Gives every message a final state: parts with no receipt an hour past validity end `unknown`. */
export async function closeSilentMessages(db: Executor, options: { graceMinutes?: number; limit?: number } = {}): Promise<number> {
  return db.transaction().execute(async (tx) => {
    const ids = await closeSilentParts(tx, options.graceMinutes ?? 60, options.limit ?? 1000);
    // Parts end unknown here; a message can still turn failed or expired by
    // the aggregate (another part's outcome), which is news.
    await emitMessageEvents(tx, await recomputeMessages(tx, ids, 'no receipt within the validity period'));
    return ids.length;
  });
}
