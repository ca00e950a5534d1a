import { transactionWithRetry, type Executor } from '../../platform/db/index.js';
import { finishParts } from './finish-parts.js';
import { takeExpiredLeases, updateParts, type PartUpdate } from './progress.repository.js';
import type { DispatchLog } from './record-outcomes.js';

/**
 * Parts whose round stopped renewing their lease (its worker died, or lost
 * the database): they may have reached the centre. Each is resubmitted once
 * at most; a second loss leaves it unknown (and charged, by `chargeParts`).
 */
export async function recoverExpiredLeases(db: Executor, options: { limit?: number; unknownRetryMs?: number; log?: DispatchLog } = {}): Promise<number> {
  const { rows, ended } = await transactionWithRetry(db, async (tx) => {
    const rows = await takeExpiredLeases(tx, options.limit ?? 500);
    if (rows.length === 0) return { rows, ended: 0 };
    const retryAt = new Date(Date.now() + (options.unknownRetryMs ?? 30_000));
    const updates: PartUpdate[] = rows.map((r) =>
      r.unknowns >= 1
        ? { id: r.id, lease: r.lease, status: 'unknown', errorCode: 'lease_expired', unknown: true }
        : { id: r.id, lease: r.lease, status: 'queued', errorCode: 'lease_expired', dueAt: retryAt, unknown: true },
    );
    await finishParts(tx, await updateParts(tx, updates));
    return { rows, ended: updates.filter((u) => u.status === 'unknown').length };
  });
  if (rows.length > 0) {
    options.log?.warn(
      { parts: rows.length, partIds: rows.slice(0, 100).map((r) => r.id), endedUnknown: ended },
      'dispatch: leases lapsed; their parts are resubmitted once, or end unknown',
    );
  }
  return rows.length;
}
