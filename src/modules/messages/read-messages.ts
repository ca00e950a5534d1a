import type { Executor } from '../../platform/db/index.js';
import { notFound } from '../../platform/errors.js';
import { decodeTimeIdCursor, encodeTimeIdCursor } from '../../platform/cursor.js';
import { getSendingSettings } from '../accounts/index.js';
import { contactNamesOf, type Viewer } from '../contacts/index.js';
import { parseNumber } from '../numbers/index.js';
import { getSmsPriceList, priceForCountry } from '../pricing/index.js';
import { analyseText, validateText } from '../sms-text/index.js';
import { SCHEDULE_AFTER_MS } from './prepare-send.js';
import { findMessage, listEvents, listMessages as listRows, listParts, type MessageFilter, type MessageRow, type PartRow } from './messages.repository.js';

export interface MessageDetail {
  message: MessageRow;
  parts: PartRow[];
  history: { status: string; detail: string | null; at: Date }[];
}

export async function getMessage(db: Executor, accountId: string, id: string): Promise<MessageDetail> {
  const message = await findMessage(db, accountId, id);
  if (!message) throw notFound('Message');
  const [parts, events] = await Promise.all([listParts(db, id), listEvents(db, id)]);
  return { message, parts, history: historyOf(message, parts, events) };
}

type HistoryEntry = { status: string; detail: string | null; at: Date };

/**
 * A message's history. The ordinary path — accepted, submitted, its final
 * state — is read from the message and part rows, which hold those times;
 * only changes with a reason of their own (a cancel, no receipt) are stored
 * as events. That keeps one row per message instead of three.
 */
function historyOf(m: MessageRow, parts: PartRow[], events: HistoryEntry[]): HistoryEntry[] {
  const scheduled = m.send_at.getTime() > m.created_at.getTime() + SCHEDULE_AFTER_MS;
  const history: HistoryEntry[] = [{ status: scheduled ? 'scheduled' : 'queued', detail: 'accepted', at: m.created_at }];
  const submittedAt = parts.map((p) => p.submitted_at?.getTime() ?? 0).reduce((a, b) => Math.max(a, b), 0);
  if (submittedAt > 0 && m.status !== 'queued' && m.status !== 'scheduled') {
    history.push({ status: 'submitted', detail: null, at: new Date(submittedAt) });
  }
  if (m.final_at && !events.some((e) => e.status === m.status)) {
    const code = parts.find((p) => p.error_code && p.status === m.status)?.error_code ?? null;
    history.push({ status: m.status, detail: code ? `code ${code}` : null, at: m.final_at });
  }
  return [...history, ...events].sort((a, b) => a.at.getTime() - b.at.getTime());
}

export function listMessages(db: Executor, accountId: string, filter: MessageFilter): Promise<MessageRow[]> {
  return listRows(db, accountId, filter);
}

/** A page of sent messages, each with the name its recipient has in an address book the viewer sees. */
export interface MessagePage {
  data: { message: MessageRow; contactName: string | null }[];
  nextCursor: string | null;
}

const toAfter = (p: { at: Date; id: string }) => ({ sendAt: p.at, id: p.id });

/** Messages newest first by when they go out; `cursor` is a page's `nextCursor`. */
export async function listMessagePage(db: Executor, viewer: Viewer, filter: Omit<MessageFilter, 'after'> & { cursor?: string }): Promise<MessagePage> {
  const { cursor, ...rest } = filter;
  const rows = await listRows(db, viewer.accountId, { ...rest, ...(cursor && { after: toAfter(decodeTimeIdCursor(cursor)) }) });
  const names = await contactNamesOf(db, viewer, rows.map((m) => m.recipient));
  const last = rows[rows.length - 1];
  return {
    data: rows.map((message) => ({ message, contactName: names.get(message.recipient) ?? null })),
    nextCursor: rows.length === filter.limit && last ? encodeTimeIdCursor(last.send_at, last.id) : null,
  };
}

export interface Preview {
  encoding: 'gsm7' | 'ucs2';
  parts: number;
  characters: number;
  units: number;
  units_per_part: number;
  non_gsm_characters: string[];
  max_parts: number;
  problem: { code: string; reason: string } | null;
  /** Cost per recipient in minor units: the default price, or per given recipient. */
  price_per_part: number;
  cost_per_recipient: number;
  recipients: { to: string; country: string | null; cost: number; problem: string | null; problem_code: string | null }[];
}

/** What a text will cost and why, before anything is sent; for the live counter of the SMS page. */
export async function previewMessage(db: Executor, accountId: string, input: { text: string; to?: string[] }): Promise<Preview> {
  const settings = await getSendingSettings(db, accountId);
  const analysis = analyseText(input.text);
  const problem = validateText(input.text, { maxParts: settings.maxParts });
  const prices = await getSmsPriceList(db);
  const recipients = (input.to ?? []).map((to) => {
    const parsed = parseNumber(to, { defaultCountry: settings.defaultCountry, requireMobile: true, allowedCountries: settings.allowedCountries });
    if (!parsed.ok) return { to, country: null, cost: 0, problem: `${to} ${parsed.reason}`, problem_code: parsed.problem };
    const country = parsed.number.country ?? null;
    return { to: parsed.number.e164, country, cost: Number(priceForCountry(prices, country)) * analysis.parts, problem: null, problem_code: null };
  });
  return {
    encoding: analysis.encoding,
    parts: analysis.parts,
    characters: [...input.text].length,
    units: analysis.units,
    units_per_part: analysis.unitsPerPart,
    non_gsm_characters: analysis.nonGsmCharacters,
    max_parts: settings.maxParts,
    problem: problem ? { code: problem.code, reason: problem.reason } : null,
    price_per_part: Number(prices.defaultMinor),
    cost_per_recipient: Number(prices.defaultMinor) * analysis.parts,
    recipients,
  };
}
