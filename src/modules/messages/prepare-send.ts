import type { Executor } from '../../platform/db/index.js';
import { invalid } from '../../platform/errors.js';
import { newId, sha256 } from '../../platform/ids.js';
import { getSendingSettings } from '../accounts/index.js';
import { findSuppressed, resolveRecipients, type RecipientItem } from '../contacts/index.js';
import { parseNumber } from '../numbers/index.js';
import { assignPoolNumbers, poolSender, resolveSender } from '../senders/index.js';
import { checkUrlSyntax, type OutboundPolicy } from '../../platform/outbound-http.js';
import { getSmsPriceList, priceForCountry } from '../pricing/index.js';
import { splitText, validateText } from '../sms-text/index.js';
import type { NewMessage } from './messages.repository.js';

export interface SendRequest {
  /** Numbers as typed, contacts and lists. */
  to: RecipientItem[];
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
  /** The signed-in user, whose personal address book `to` may name. */
  userId?: string | null;
}

export interface SendResult {
  batch_id: string;
  encoding: 'gsm7' | 'ucs2';
  parts_per_message: number;
  accepted: ({ id: string; to: string; index: number; status: 'queued' | 'scheduled'; price_per_part: number } & Origin)[];
  rejected: ({ index: number; to: string; code: string; reason: string; field: string } & Origin)[];
  cost: { parts: number; quota_parts: number; provision: number };
}

/** The contact and list a recipient came from, when it came from the address book. */
interface Origin {
  contact_id?: string;
  list_id?: string;
}

/** A send checked and priced, ready to commit; nothing is written yet. */
export interface PreparedSend {
  caller: Caller;
  result: SendResult;
  messages: NewMessage[];
  parts: { dataCoding: number; udh: Buffer | null; payload: Buffer }[];
  partStatus: 'queued' | 'scheduled';
  dueAt: Date;
  /** One hold per price: a request to several countries may carry several prices. */
  holds: { reference: string; parts: number; price: bigint }[];
  idempotency: { key: string; hash: Buffer } | null;
  now: Date;
}

/** A send_at further ahead than this makes a message scheduled rather than queued. */
export const SCHEDULE_AFTER_MS = 5_000;
const DEFAULT_VALIDITY_MINUTES = 48 * 60;
/** Lists can expand far beyond the items of a request; the bulk endpoint's cap holds for both. */
export const MAX_RESOLVED_RECIPIENTS = 1_000_000;

/** Same key and same body give the same answer; the hash is of the body as the API received it. */
export function hashRequest(body: unknown): Buffer {
  return sha256(JSON.stringify(body));
}

/**
 * Checks a send and works out its messages, parts and holds. Every recipient
 * is checked on its own; the send is refused only when none is usable.
 */
export async function prepareSend(
  db: Executor,
  caller: Caller,
  req: SendRequest,
  options: { defaultSender: string; idempotency?: { key: string; hash: Buffer }; now?: Date; outboundPolicy?: OutboundPolicy },
): Promise<PreparedSend> {
  const now = options.now ?? new Date();
  const settings = await getSendingSettings(db, caller.accountId);
  const textProblem = validateText(req.text, { maxParts: settings.maxParts });
  if (textProblem) throw invalid('text', textProblem.reason, textProblem.code, textProblem.params);
  const sender = await resolveSender(db, caller, req.sender, options.defaultSender);
  if (req.callbackUrl !== undefined) {
    const check = checkUrlSyntax(req.callbackUrl, options.outboundPolicy);
    if (!check.ok) throw invalid('callback_url', `${req.callbackUrl} cannot receive callbacks: ${check.reason}`, check.code);
  }
  const sendAt = req.sendAt ?? now;
  if (sendAt.getTime() < now.getTime() - 60_000) throw invalid('send_at', 'is in the past', 'send_at_past');
  if (sendAt.getTime() > now.getTime() + 366 * 86_400_000) throw invalid('send_at', 'is more than a year ahead', 'send_at_too_far');
  const scheduled = sendAt.getTime() > now.getTime() + SCHEDULE_AFTER_MS;
  const validUntil = new Date(sendAt.getTime() + (req.validityMinutes ?? DEFAULT_VALIDITY_MINUTES) * 60_000);

  const split = splitText(req.text, { maxParts: settings.maxParts });
  const prices = await getSmsPriceList(db);
  const batchId = newId('bat');
  const status = scheduled ? 'scheduled' : 'queued';
  const result: SendResult = { batch_id: batchId, encoding: split.encoding, parts_per_message: split.parts.length, accepted: [], rejected: [], cost: { parts: 0, quota_parts: 0, provision: 0 } };
  const messages: NewMessage[] = [];
  const holds = new Map<string, { reference: string; parts: number; price: bigint }>();
  const resolved = await resolveRecipients(db, { accountId: caller.accountId, userId: caller.userId ?? null }, req.to);
  if (resolved.length > MAX_RESOLVED_RECIPIENTS) throw invalid('to', `The recipients resolve to more than ${MAX_RESOLVED_RECIPIENTS} numbers`);
  const seen = new Set<string>();
  const usable: { r: (typeof resolved)[number]; e164: string; country: string | undefined; origin: Origin }[] = [];
  for (const r of resolved) {
    const origin: Origin = { ...(r.contactId && { contact_id: r.contactId }), ...(r.listId && { list_id: r.listId }) };
    const reject = (code: string, reason: string) => result.rejected.push({ index: r.index, to: r.to, code, reason, field: `to[${r.index}]`, ...origin });
    if (r.problem || r.number === null) {
      reject(r.problem?.code ?? 'not_a_number', r.problem?.reason ?? `${r.to} is not a phone number`);
      continue;
    }
    const parsed = parseNumber(r.number, { defaultCountry: settings.defaultCountry, requireMobile: true, allowedCountries: settings.allowedCountries });
    if (!parsed.ok) {
      reject(parsed.problem, `${r.to} ${parsed.reason}`);
      continue;
    }
    const { e164, country } = parsed.number;
    if (seen.has(e164)) {
      reject('duplicate', `${r.to} is already a recipient of this message`);
      continue;
    }
    seen.add(e164);
    usable.push({ r, e164, country, origin });
  }
  const suppressed = await findSuppressed(db, caller.accountId, usable.map((u) => u.e164));
  const deliverable = usable.filter(({ r, e164, origin }) => {
    const source = suppressed.get(e164);
    if (source) {
      result.rejected.push(source === 'opt_out'
        ? { index: r.index, to: e164, code: 'recipient_opted_out', reason: `${e164} replied STOP and is on the suppression list`, field: `to[${r.index}]`, ...origin }
        : { index: r.index, to: e164, code: 'recipient_suppressed', reason: `${e164} is on the suppression list`, field: `to[${r.index}]`, ...origin });
    }
    return !source;
  });
  const pool = sender.kind === 'pool' ? await assignPoolNumbers(db, caller.accountId, deliverable.map((u) => u.e164), sender.number ?? null) : null;
  for (const { r, e164, country, origin } of deliverable) {
    const poolNumber = pool?.get(e164);
    if (sender.kind === 'pool' && !poolNumber) {
      result.rejected.push({ index: r.index, to: e164, code: 'no_pool_number', reason: `Every pool number already serves ${e164} for other accounts; choose another sender`, field: `to[${r.index}]`, ...origin });
      continue;
    }
    // A pool number keeps each recipient it serves for this account: asked for by name, it reaches only those.
    if (sender.kind === 'pool' && sender.number && poolNumber !== sender.number) {
      result.rejected.push({ index: r.index, to: e164, code: 'pool_number_taken', reason: `${e164} gets messages from another pool number of this account (${poolNumber}); send from the pool instead`, field: `to[${r.index}]`, ...origin });
      continue;
    }
    const from = sender.kind === 'pool' ? poolSender(poolNumber!) : sender.sender;
    const price = priceForCountry(prices, country);
    const reference = `${batchId}:${price}`;
    const hold = holds.get(reference) ?? { reference, parts: 0, price };
    hold.parts += split.parts.length;
    holds.set(reference, hold);
    const id = newId('msg');
    messages.push({
      id, accountId: caller.accountId, batchId, holdReference: reference, createdBy: caller.actorId,
      clientReference: req.clientReference ?? null, recipient: e164, recipientCountry: country ?? null,
      sender: from.address, senderTon: from.ton, senderNpi: from.npi, body: req.text, encoding: split.encoding,
      partsCount: split.parts.length, pricePerPartMinor: price, status, sendAt, validUntil, callbackUrl: req.callbackUrl ?? null,
      contactId: r.contactId, listId: r.listId,
    });
    result.accepted.push({ id, to: e164, index: r.index, status, price_per_part: Number(price), ...origin });
  }
  if (messages.length === 0) {
    const first = result.rejected[0];
    throw invalid(first?.field ?? 'to', first ? first.reason : 'Give at least one recipient', first?.code);
  }
  return {
    caller,
    result,
    messages,
    parts: split.parts.map((p) => ({ dataCoding: split.dataCoding, udh: p.udh, payload: p.payload })),
    partStatus: status,
    dueAt: sendAt,
    holds: [...holds.values()],
    idempotency: options.idempotency ?? null,
    now,
  };
}
