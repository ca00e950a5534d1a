import type { Executor } from '../../platform/db/index.js';
import {
  deleteStaleStatusRows, deleteStatusRows, readHealthRows, readQueueRows, replaceStatusRows,
  type ConnectorHealthRow, type QueueRow, type StatusReport,
} from './connector-status.repository.js';

/**
 * Workers report their connectors' binds every few seconds; any process
 * (an API-only one too) reads them for /readyz and /metrics. A report older
 * than FRESH_SECONDS counts for nothing: its worker stopped or hangs.
 */
export const REPORT_EVERY_MS = 2_000;
const FRESH_SECONDS = 15;

export type { ConnectorHealthRow as ConnectorHealth, QueueRow as SmsQueue, StatusReport };

export async function reportConnectorStatus(db: Executor, workerId: string, reports: StatusReport[]): Promise<void> {
  await replaceStatusRows(db, workerId, reports);
  await deleteStaleStatusRows(db, 3_600);
}

/** A stopping worker takes its reports back, so its binds stop counting at once. */
export async function withdrawConnectorStatus(db: Executor, workerId: string): Promise<void> {
  await deleteStatusRows(db, workerId);
}

export function readConnectorHealth(db: Executor): Promise<ConnectorHealthRow[]> {
  return readHealthRows(db, FRESH_SECONDS);
}

export function readSmsQueue(db: Executor): Promise<QueueRow[]> {
  return readQueueRows(db);
}
