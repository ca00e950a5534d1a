import { transactionWithRetry, type Executor } from '../../platform/db/index.js';
import { finishParts } from './finish-parts.js';
import { takeExpiredLeases, updateParts, type PartUpdate } from './progress.repository.js';

/**
 * Parts whose worker died mid-submit: they may have reached the centre. Each
 * is resubmitted once at most; a second loss leaves it unknown (and charged,
 * by `chargeParts`).
 */
export async function recoverExpiredLeases(db: Executor, options: { limit?: number; unknownRetryMs?: number } = {}): Promise<number> {
  return transactionWithRetry(db, async (tx) => {
    const rows = await takeExpiredLeases(tx, options.limit ?? 500);
    if (rows.length === 0) return 0;
    const retryAt = new Date(Date.now() + (options.unknownRetryMs ?? 30_000));
    const updates: PartUpdate[] = rows.map((r) =>
      r.unknowns >= 1
        ? { id: r.id, lease: r.lease, status: 'unknown', errorCode: 'lease_expired', unknown: true }
        : { id: r.id, lease: r.lease, status: 'queued', errorCode: 'lease_expired', dueAt: retryAt, unknown: true },
    );
    await finishParts(tx, await updateParts(tx, updates));
    return rows.length;
  });
}
