import { coalesced } from '../../platform/coalesce.js';
import { decodeNumberKeyCursor } from '../../platform/cursor.js';
import type { Executor } from '../../platform/db/index.js';
import { invalid, notFound } from '../../platform/errors.js';
import { getSendingSettings } from '../accounts/index.js';
import { parseNumber } from '../numbers/index.js';
import {
  deleteOptOut, deleteSuppression, findSuppressedPairs, findSuppressedRows, insertOptOut, findSuppressionRow, listSuppressionRows, upsertSuppression,
  type SuppressionRow, type SuppressionSource,
} from './suppressions.repository.js';

export interface Suppression {
  number: string;
  reason: string | null;
  source: SuppressionSource;
  createdAt: Date;
}

const toSuppression = (r: SuppressionRow): Suppression => ({ number: r.number, reason: r.reason, source: r.source, createdAt: r.created_at });

async function e164(db: Executor, accountId: string, number: string, field: string): Promise<string> {
  const { defaultCountry } = await getSendingSettings(db, accountId);
  const parsed = parseNumber(number, { defaultCountry });
  if (!parsed.ok) throw invalid(field, `${number.trim()} ${parsed.reason}`, parsed.problem);
  return parsed.number.e164;
}

/** A number this account must not send to again, with why; `opt_out` when the recipient asked. */
export async function suppressNumber(db: Executor, accountId: string, input: { number: string; reason?: string | null; source?: SuppressionSource }): Promise<Suppression> {
  const reason = input.reason?.trim() || null;
  if (reason && reason.length > 500) throw invalid('reason', 'The reason is longer than 500 characters');
  const number = await e164(db, accountId, input.number, 'number');
  return toSuppression(await upsertSuppression(db, accountId, { number, reason, source: input.source ?? 'manual' }));
}

export async function unsuppressNumber(db: Executor, accountId: string, number: string): Promise<void> {
  const value = await e164(db, accountId, number, 'number');
  if (!(await deleteSuppression(db, accountId, value))) throw notFound('Suppression');
}

export async function getSuppression(db: Executor, accountId: string, number: string): Promise<Suppression> {
  const row = await findSuppressionRow(db, accountId, await e164(db, accountId, number, 'number'));
  if (!row) throw notFound('Suppression');
  return toSuppression(row);
}

export async function listSuppressions(db: Executor, accountId: string, page: { cursor?: string; limit: number }): Promise<{ data: Suppression[]; nextCursor: string | null }> {
  const rows = await listSuppressionRows(db, accountId, decodeNumberKeyCursor(page.cursor) ?? null, page.limit);
  return { data: rows.map(toSuppression), nextCursor: rows.length === page.limit ? rows[rows.length - 1]!.number : null };
}

/**
 * The recipient replied STOP (or START): `number` is the E.164 it wrote from,
 * taken as is — it came from the network, not from a person typing. A number
 * suppressed by hand stays suppressed either way. True when something changed.
 */
export async function recordOptOut(db: Executor, accountId: string, input: { number: string; optedOut: boolean; reason?: string }): Promise<boolean> {
  return input.optedOut
    ? insertOptOut(db, accountId, input.number, input.reason ?? 'The recipient replied STOP')
    : deleteOptOut(db, accountId, input.number);
}

/** A send to a few numbers is checked together with the other sends arriving with it: one statement for all. */
const FEW = 100;
const findForFewSends = coalesced(async (db: Executor, asks: { accountId: string; numbers: string[] }[]) => {
  const rows = await findSuppressedPairs(db, asks.flatMap((a) => a.numbers.map((number) => ({ accountId: a.accountId, number }))));
  const byPair = new Map(rows.map((r) => [`${r.account_id} ${r.number}`, r.source]));
  return asks.map((a) => a.numbers.flatMap((number) => {
    const source = byPair.get(`${a.accountId} ${number}`);
    return source ? [{ number, source }] : [];
  }));
});

/** Which of these E.164 numbers the account may not send to, and why. */
export async function findSuppressed(db: Executor, accountId: string, numbers: string[]): Promise<Map<string, SuppressionSource>> {
  if (numbers.length === 0) return new Map();
  const rows = numbers.length <= FEW ? await findForFewSends(db, { accountId, numbers }) : await findSuppressedRows(db, accountId, numbers);
  return new Map(rows.map((r) => [r.number, r.source]));
}
