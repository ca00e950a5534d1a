// The measured phases of bench:sms. Each prints `# …` notes and one JSON line
// of its own ({"phase": …}); what the summary line needs comes back.
import { SETTLE_POLL_MS, phaseOutcome, waitSettled, type PhaseOutcome } from './sms-outcome.js';
import { observe, type PhaseCpu, type PhaseObservers } from './sms-observe.js';
import { mobile, percentile, sendSingles, SENDER, TEXT, type Pick, type SingleOutcome } from './sms-send.js';
import type { ApiClient } from './http-client.js';
import { round } from './knobs.js';

const note = (label: string, value: unknown) => process.stdout.write(`# ${label}: ${typeof value === 'string' ? value : JSON.stringify(value)}\n`);
const MAX_PER_REQUEST = 10_000;

// Caps that keep a slow system's run near five minutes; what was reached is reported.
const SEND_CAP_MS = 90_000;
const SETTLE_CAP_MS = 60_000;
const BULK_ACCEPT_CAP_MS = 60_000;
const BULK_SETTLE_CAP_MS = 120_000;

/** What the end of every phase means, printed on each phase line. */
const END = 'last delivered message charged (observed)';

export interface SendsFigures {
  e2ePerS: number | null;
  p50: number | null;
  p99: number | null;
  /** Error answers plus messages that ended other than delivered. */
  errors: number | null;
}

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

/** Adds to `incomplete` what is missing or disagrees between the parts and the ledger. */
function check(name: string, out: PhaseOutcome, settled: boolean, incomplete: string[]): void {
  if (!settled) incomplete.push(`${name}: ${out.delivered} of ${out.messages} messages delivered and charged when the cap was reached`);
  if (out.ledgerSettledParts !== (out.parts.settled ?? 0)) {
    incomplete.push(`${name}: the ledger settled ${out.ledgerSettledParts} parts, the parts table marks ${out.parts.settled ?? 0} settled`);
  }
  if (sum(out.notDelivered) > 0) {
    note(`${name} not delivered`, out.notDelivered);
    incomplete.push(`${name}: ${sum(out.notDelivered)} of ${out.messages} messages ended other than delivered`);
  }
}

/**
 * One-recipient requests from `clients` concurrent clients (`pick` says which
 * key sends request i and to whom), until every message of `accountIds` is
 * final and charged. Throughput counts delivered messages only, from the
 * first request to the observed end; latencies are of 202 answers only.
 */
export async function sendsPhase(
  o: PhaseObservers, name: string, pick: Pick, total: number, clients: number, accountIds: string[], incomplete: string[],
): Promise<SendsFigures> {
  let delivered = 0;
  const before = incomplete.length;
  const { result, cpu } = await observe(o, name, () => delivered, async () => {
    const s = await sendSingles(pick, total, clients, SEND_CAP_MS);
    if (s.sent < total) incomplete.push(`${name}: only ${s.sent} of ${total} requests sent within ${SEND_CAP_MS / 1000} s`);
    if (s.errorCount > 0) {
      note(`${name} error answers`, s.errors);
      incomplete.push(`${name}: ${s.errorCount} of ${s.sent} requests not answered 202`);
    }
    const f = s.ok > 0 ? await waitSettled(o.db, accountIds, Date.now() + SETTLE_CAP_MS) : { done: true, endAt: s.sendEnd };
    const out = await phaseOutcome(o.db, accountIds);
    delivered = out.delivered;
    check(name, out, f.done, incomplete);
    return { s, f, out };
  });
  const { s, f, out } = result;
  const e2eSeconds = (f.endAt - s.firstStart) / 1000;
  const figures: SendsFigures = {
    e2ePerS: out.delivered > 0 ? Math.round(out.delivered / e2eSeconds) : null,
    p50: s.ok > 0 ? round(percentile(s.latencies, 50), 1) : null,
    p99: s.ok > 0 ? round(percentile(s.latencies, 99), 1) : null,
    errors: s.errorCount + sum(out.notDelivered),
  };
  note(name, detail(s, out, f.endAt));
  printPhase(name, {
    requests: s.sent, accepted: s.ok, error_answers: s.errorCount, delivered: out.delivered, not_delivered: sum(out.notDelivered),
    e2e_s: round(e2eSeconds, 2), delivered_per_s: figures.e2ePerS, accept_p50_ms: figures.p50, accept_p99_ms: figures.p99,
  }, cpu, f.done, incomplete.length === before);
  return figures;
}

function detail(s: SingleOutcome, out: PhaseOutcome, endAt: number): Record<string, unknown> {
  const sendSeconds = (s.sendEnd - s.firstStart) / 1000;
  return {
    accept_phase_s: round(sendSeconds, 2),
    accepted_per_s: Math.round(s.ok / sendSeconds),
    accept_p90_ms: round(percentile(s.latencies, 90), 1),
    accept_p999_ms: round(percentile(s.latencies, 99.9), 1),
    accept_max_ms: round(percentile(s.latencies, 100), 1),
    settled_after_last_request_s: round((endAt - s.sendEnd) / 1000, 2),
    statuses: out.statuses,
    parts_by_charge: out.parts,
    ledger_settled_parts: out.ledgerSettledParts,
  };
}

function printPhase(name: string, figures: Record<string, unknown>, cpu: PhaseCpu, settled: boolean, complete: boolean): void {
  process.stdout.write(JSON.stringify({ phase: name, ...figures, ...cpu, end: settled ? END : 'cap reached', end_resolution_ms: SETTLE_POLL_MS, complete }) + '\n');
}

export interface BulkFigures {
  acceptSeconds: number | null;
  deliveredSeconds: number | null;
  errors: number | null;
}

/**
 * BULK_N recipients in one request on the streamed NDJSON endpoint when this
 * Herald has it; otherwise sequential JSON requests of 10,000 (the most POST
 * /v1/messages takes). Accepted, then until every message is final and charged.
 */
export async function bulkPhase(o: PhaseObservers, client: ApiClient, accountId: string, total: number, incomplete: string[]): Promise<BulkFigures> {
  const streamed =
    process.env.BENCH_BULK_MODE !== 'json' &&
    (await client.request('POST', '/v1/messages/bulk', Buffer.alloc(0), 10_000, 'application/x-ndjson')).status !== 404;
  note('bulk mode', streamed
    ? `one POST /v1/messages/bulk (application/x-ndjson) of ${total} recipients`
    : `no streamed bulk endpoint${process.env.BENCH_BULK_MODE === 'json' ? ' (BENCH_BULK_MODE=json)' : ''}: bulk_accept_s is ${Math.ceil(total / MAX_PER_REQUEST)} ` +
      `sequential POST /v1/messages of up to ${MAX_PER_REQUEST} recipients (HERALD_BODY_LIMIT=8 MiB)`);
  const requests: { body: Buffer | Record<string, unknown>; path: string; contentType: string }[] = [];
  if (streamed) {
    const lines = [JSON.stringify({ text: TEXT, sender: SENDER }), ...Array.from({ length: total }, (_, i) => JSON.stringify(mobile(i)))];
    requests.push({ path: '/v1/messages/bulk', contentType: 'application/x-ndjson', body: Buffer.from(lines.join('\n') + '\n') });
  } else {
    for (let from = 0; from < total; from += MAX_PER_REQUEST) {
      const to = Array.from({ length: Math.min(MAX_PER_REQUEST, total - from) }, (_, i) => mobile(from + i));
      requests.push({ path: '/v1/messages', contentType: 'application/json', body: { to, text: TEXT, sender: SENDER } });
    }
  }
  let delivered = 0;
  const before = incomplete.length;
  const { result, cpu } = await observe(o, 'bulk', () => delivered, async () => {
    const t0 = Date.now();
    const requestMs: number[] = [];
    let failed = 0;
    let accepted = 0;
    let rejected = 0;
    for (const [k, r] of requests.entries()) {
      if (Date.now() - t0 > BULK_ACCEPT_CAP_MS) {
        incomplete.push(`bulk: only ${k} of ${requests.length} requests sent within ${BULK_ACCEPT_CAP_MS / 1000} s`);
        break;
      }
      const a = await client.request('POST', r.path, r.body, 180_000, r.contentType);
      requestMs.push(Math.round(a.ms));
      if (a.status !== 202) {
        failed++;
        note('bulk error answer', `${a.status} ${a.body.slice(0, 300)}`);
        continue;
      }
      const body = JSON.parse(a.body) as { accepted: unknown[]; rejected: unknown[] };
      accepted += body.accepted.length;
      rejected += body.rejected.length;
      if (body.rejected.length > 0) note('bulk rejected', `${body.rejected.length} in request ${k}: ${JSON.stringify(body.rejected[0])}`);
    }
    const acceptEnd = Date.now();
    if (accepted !== total) incomplete.push(`bulk: ${accepted} of ${total} recipients accepted (${failed} request(s) failed, ${rejected} recipient(s) refused)`);
    const f = accepted > 0 ? await waitSettled(o.db, [accountId], t0 + BULK_SETTLE_CAP_MS) : { done: true, endAt: acceptEnd };
    const out = await phaseOutcome(o.db, [accountId]);
    delivered = out.delivered;
    check('bulk', out, f.done, incomplete);
    note('bulk accepted', `${round((acceptEnd - o.spawnedAt) / 1000, 1)} s after Herald was spawned`);
    return { t0, acceptEnd, f, out, accepted, rejected, failed, requestMs };
  });
  const { t0, acceptEnd, f, out, accepted, rejected, failed, requestMs } = result;
  const allDelivered = f.done && out.delivered === total;
  const seconds = (f.endAt - t0) / 1000;
  const figures: BulkFigures = {
    acceptSeconds: accepted === total ? round((acceptEnd - t0) / 1000, 2) : null,
    // A time for "all delivered" only when all were: otherwise the count below says how far it got.
    deliveredSeconds: allDelivered ? round(seconds, 2) : null,
    errors: failed + rejected + sum(out.notDelivered),
  };
  note('bulk', { request_ms: requestMs, accepted_per_s: Math.round(accepted / ((acceptEnd - t0) / 1000)), statuses: out.statuses, parts_by_charge: out.parts, ledger_settled_parts: out.ledgerSettledParts });
  printPhase('bulk', {
    recipients: total, accepted, error_answers: failed, refused_recipients: rejected, delivered: out.delivered, not_delivered: sum(out.notDelivered),
    accept_s: figures.acceptSeconds, delivered_s: round(seconds, 2), delivered_per_s: out.delivered > 0 ? Math.round(out.delivered / seconds) : null,
  }, cpu, f.done, incomplete.length === before);
  return figures;
}
