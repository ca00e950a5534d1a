import { createHash } from 'node:crypto';
import type { Executor } from '../../platform/db/index.js';
import { AppError, invalid } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { getSendingSettings } from '../accounts/index.js';
import * as ledger from '../ledger/index.js';
import { parseNumber } from '../numbers/index.js';
import { getSmsPriceList, priceForCountry } from '../pricing/index.js';
import { splitText, validateText } from '../sms-text/index.js';
import { findKey, storeKey, tryLockKey } from './idempotency.repository.js';
import { insertMessages, insertParts, type NewMessage, type NewPart } from './messages.repository.js';
import { parseSender } from './sender.js';

export interface SendRequest {
  to: string[];
  text: string;
  sender?: string;
  sendAt?: Date;
  validityMinutes?: number;
  clientReference?: string;
  callbackUrl?: string;
}

export interface Caller {
  accountId: string;
  /** User or API key id, for the record. */
  actorId: string | null;
}

export interface SendResult {
  batch_id: string;
  encoding: 'gsm7' | 'ucs2';
  parts_per_message: number;
  accepted: { id: string; to: string; index: number; status: 'queued' | 'scheduled'; price_per_part: number }[];
  rejected: { index: number; to: string; code: string; reason: string; field: string }[];
  cost: { parts: number; quota_parts: number; provision: number };
}

const SCHEDULE_AFTER_MS = 5_000;
const DEFAULT_VALIDITY_MINUTES = 48 * 60;

/** Same key and same body give the same answer; the hash is of the body as the API received it. */
export function hashRequest(body: unknown): Buffer {
  return createHash('sha256').update(JSON.stringify(body)).digest();
}

/**
 * Accepts a send: every recipient checked on its own, the whole request
 * charged in one transaction with its queue entries. Nothing is charged or
 * queued unless at least one recipient is valid and the credit suffices.
 */
export async function acceptMessages(
  db: Executor,
  caller: Caller,
  req: SendRequest,
  options: { defaultSender: string; idempotency?: { key: string; hash: Buffer }; now?: Date },
): Promise<{ result: SendResult; replayed: boolean }> {
  const now = options.now ?? new Date();
  const settings = await getSendingSettings(db, caller.accountId);
  const textProblem = validateText(req.text, { maxParts: settings.maxParts });
  if (textProblem) throw invalid('text', textProblem.reason);
  const sender = parseSender(req.sender ?? options.defaultSender);
  const sendAt = req.sendAt ?? now;
  if (sendAt.getTime() < now.getTime() - 60_000) throw invalid('send_at', 'is in the past');
  if (sendAt.getTime() > now.getTime() + 366 * 86_400_000) throw invalid('send_at', 'is more than a year ahead');
  const scheduled = sendAt.getTime() > now.getTime() + SCHEDULE_AFTER_MS;
  const validUntil = new Date(sendAt.getTime() + (req.validityMinutes ?? DEFAULT_VALIDITY_MINUTES) * 60_000);

  const split = splitText(req.text, { maxParts: settings.maxParts });
  const prices = await getSmsPriceList(db);
  const batchId = newId('bat');
  const result: SendResult = { batch_id: batchId, encoding: split.encoding, parts_per_message: split.parts.length, accepted: [], rejected: [], cost: { parts: 0, quota_parts: 0, provision: 0 } };
  const messages: NewMessage[] = [];
  const seen = new Set<string>();
  for (const [index, raw] of req.to.entries()) {
    const parsed = parseNumber(raw, { defaultCountry: settings.defaultCountry, requireMobile: true, allowedCountries: settings.allowedCountries });
    if (!parsed.ok) {
      result.rejected.push({ index, to: raw, code: parsed.problem, reason: `${raw} ${parsed.reason}`, field: `to[${index}]` });
      continue;
    }
    const { e164, country } = parsed.number;
    if (seen.has(e164)) {
      result.rejected.push({ index, to: raw, code: 'duplicate', reason: `${raw} is already a recipient of this message`, field: `to[${index}]` });
      continue;
    }
    seen.add(e164);
    const price = priceForCountry(prices, country);
    const id = newId('msg');
    messages.push({
      id, accountId: caller.accountId, batchId, holdReference: `${batchId}:${price}`, createdBy: caller.actorId,
      clientReference: req.clientReference ?? null, recipient: e164, recipientCountry: country ?? null,
      sender: sender.address, senderTon: sender.ton, senderNpi: sender.npi, body: req.text, encoding: split.encoding,
      partsCount: split.parts.length, pricePerPartMinor: price, status: scheduled ? 'scheduled' : 'queued', sendAt, validUntil,
      callbackUrl: req.callbackUrl ?? null,
    });
    result.accepted.push({ id, to: e164, index, status: scheduled ? 'scheduled' : 'queued', price_per_part: Number(price) });
  }
  if (messages.length === 0) {
    const first = result.rejected[0];
    throw invalid(first?.field ?? 'to', first ? first.reason : 'Give at least one recipient');
  }

  return db.transaction().execute(async (tx) => {
    if (options.idempotency) {
      const { key, hash } = options.idempotency;
      if (!(await tryLockKey(tx, caller.accountId, key))) {
        throw new AppError('idempotency_in_flight', 'A request with this Idempotency-Key is still being processed; retry shortly', { field: 'idempotency-key' });
      }
      const stored = await findKey(tx, caller.accountId, key);
      if (stored) {
        if (!stored.request_hash.equals(hash)) {
          throw new AppError('idempotency_mismatch', 'This Idempotency-Key was used with a different request body', { field: 'idempotency-key' });
        }
        return { result: stored.response_body as SendResult, replayed: true };
      }
    }
    // One hold per price: a request to several countries may carry several prices.
    const groups = new Map<string, { price: bigint; parts: number }>();
    for (const m of messages) {
      const g = groups.get(m.holdReference) ?? { price: m.pricePerPartMinor, parts: 0 };
      g.parts += m.partsCount;
      groups.set(m.holdReference, g);
    }
    for (const [reference, g] of groups) {
      const hold = await ledger.hold(tx, { accountId: caller.accountId, reference, parts: g.parts, pricePerPartMinor: g.price, now });
      result.cost.parts += g.parts;
      result.cost.quota_parts += hold.quotaParts;
      result.cost.provision += Number(hold.provisionMinor);
    }
    await insertMessages(tx, messages);
    const parts: NewPart[] = [];
    for (const m of messages) {
      for (const [seq, part] of split.parts.entries()) {
        parts.push({ messageId: m.id, seq: seq + 1, dataCoding: split.dataCoding, udh: part.udh, payload: part.payload, status: scheduled ? 'scheduled' : 'queued', dueAt: sendAt });
      }
    }
    await insertParts(tx, parts);
    if (options.idempotency) await storeKey(tx, caller.accountId, options.idempotency.key, options.idempotency.hash, 202, result);
    return { result, replayed: false };
  });
}
