// The clients of bench:sms: concurrent one-recipient sends, with errors kept
// apart from the latencies of accepted sends.
import type { ApiClient } from './http-client.js';

export const TEXT = 'Your Herald verification code is 482913. It expires in 10 minutes.';
export const SENDER = 'Herald';

/** Distinct Belgian mobile numbers: +3247 and seven digits. */
export const mobile = (i: number) => `+3247${String(i % 10_000_000).padStart(7, '0')}`;

export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface SingleOutcome {
  sent: number;
  /** Answered 202. */
  ok: number;
  /** Everything else: other statuses and requests that got no answer, by kind. */
  errors: Record<string, number>;
  errorCount: number;
  /** Of the 202 answers only, sorted: a fast refusal is not a fast send. */
  latencies: Float64Array;
  firstStart: number;
  sendEnd: number;
}

/** The error code of an answer's body (request ids would make every answer its own kind), or its start. */
function errorCode(body: string): string {
  try {
    const code = (JSON.parse(body) as { error?: { code?: unknown; message?: unknown } }).error;
    if (typeof code?.code === 'string') return `${code.code}: ${String(code.message).slice(0, 100)}`;
  } catch {
    // not JSON: the text itself says what went wrong
  }
  return body.slice(0, 120);
}

/** What request `i` is: which client (so which API key) sends it, and to whom. */
export type Pick = (i: number) => { client: ApiClient; to: string };

export async function sendSingles(pick: Pick, total: number, clients: number, capMs: number): Promise<SingleOutcome> {
  const latencies = new Float64Array(total);
  const errors: Record<string, number> = {};
  let next = 0;
  let ok = 0;
  let sent = 0;
  let errorCount = 0;
  const failed = (kind: string) => {
    errorCount++;
    errors[kind] = (errors[kind] ?? 0) + 1;
  };
  const firstStart = Date.now();
  const deadline = firstStart + capMs;
  const one = async () => {
    for (;;) {
      const i = next++;
      if (i >= total || Date.now() > deadline) return;
      const { client, to } = pick(i);
      sent++;
      try {
        const a = await client.request('POST', '/v1/messages', { to: [to], text: TEXT, sender: SENDER });
        if (a.status === 202) latencies[ok++] = a.ms;
        else failed(`${a.status} ${errorCode(a.body)}`);
      } catch (error) {
        failed(String((error as Error).message).slice(0, 120));
      }
    }
  };
  await Promise.all(Array.from({ length: clients }, one));
  return { sent, ok, errors, errorCount, latencies: latencies.slice(0, ok).sort(), firstStart, sendEnd: Date.now() };
}
