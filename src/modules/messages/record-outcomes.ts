import { setTimeout as sleep } from 'node:timers/promises';
import { transactionWithRetry, type Executor } from '../../platform/db/index.js';
import { finishParts } from './finish-parts.js';
import { renewLeases, updateParts, type PartUpdate } from './progress.repository.js';

/** Where a dispatch round says what went wrong; pino's Logger fits. */
export interface DispatchLog {
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
}

// Outcomes written together at most; more wait for the next write.
const MAX_WRITE = 500;
// Longest an answer waits for others to join its write (unless the round has
// them all): a fast round still writes once, a slow one every so often.
const GATHER_MS = 50;

/** A failed write that one of its rows caused (bad data, a constraint), not the database being away. */
const isRowError = (error: unknown) => /^(22|23)/.test((error as { code?: string })?.code ?? '');

interface Waiting {
  update: PartUpdate;
  done(): void;
}

/**
 * Records the outcomes of one dispatch round as they come, in small writes,
 * and keeps the round's leases alive while answers are awaited: so one slow
 * part neither holds the others' results nor loses its own lease, and an
 * answer is never dropped because the round as a whole took long.
 *
 * Writes and renewals run one at a time: a renewal gives each part a new
 * lease, the token its write must match. A part whose lease was taken over
 * anyway (the round stalled, the database was away) is left to whoever holds
 * it now, with a warning naming it and why.
 */
export class RoundRecorder {
  private readonly leases = new Map<string, string>();
  /** When each lease lapses, by this process's clock, measured from before the statement that set it. */
  private readonly lapses = new Map<string, number>();
  private waiting: Waiting[] = [];
  private running: Promise<void> | null = null;
  private renewDue = false;
  private readonly timer: NodeJS.Timeout;
  private unanswered: number;
  private allAnswered: (() => void) | null = null;
  /** Outcomes written, and dropped because their lease was lost or their write failed. */
  readonly counts = { written: 0, dropped: 0, leasesLost: 0 };

  constructor(
    private readonly db: Executor,
    parts: { id: string; lease: string }[],
    private readonly leaseSeconds: number,
    private readonly log: DispatchLog | undefined,
    claimedAt: number,
  ) {
    this.unanswered = parts.length;
    for (const p of parts) {
      this.leases.set(p.id, p.lease);
      this.lapses.set(p.id, claimedAt + leaseSeconds * 1000);
    }
    // A third of the lease: two renewals can fail or be late before it lapses.
    this.timer = setInterval(() => {
      this.renewDue = true;
      this.kick();
    }, Math.max(20, (leaseSeconds * 1000) / 3));
  }

  /** Queues one part's outcome; resolves once it is written or given up (never rejects). */
  record(update: PartUpdate): Promise<void> {
    this.unanswered -= 1;
    if (this.unanswered === 0) this.allAnswered?.();
    return new Promise<void>((done) => {
      this.waiting.push({ update, done });
      this.kick();
    });
  }

  /** Stops renewing; call once every outcome has been recorded. */
  close(): void {
    clearInterval(this.timer);
  }

  private kick(): void {
    if (this.running) return;
    this.running = this.drain().finally(() => {
      this.running = null;
      if (this.waiting.length > 0 || this.renewDue) this.kick();
    });
  }

  private async drain(): Promise<void> {
    await this.gathered();
    while (this.renewDue || this.waiting.length > 0) {
      await this.renewIfDue();
      if (this.waiting.length > 0 && !(await this.write(this.waiting.splice(0, MAX_WRITE)))) {
        // The database is away: try again shortly, while the leases hold.
        await sleep(Math.min(1000, (this.leaseSeconds * 1000) / 10));
      }
    }
  }

  /** Resolves once every part has its answer, or GATHER_MS from now. */
  private gathered(): Promise<void> {
    if (this.unanswered === 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.allAnswered = null;
        resolve();
      }, GATHER_MS);
      this.allAnswered = () => {
        clearTimeout(timer);
        this.allAnswered = null;
        resolve();
      };
    });
  }

  /** Writes a batch; false when the database is away and what may still be written was put back. */
  private async write(batch: Waiting[]): Promise<boolean> {
    const live: Waiting[] = [];
    for (const w of batch) {
      const lease = this.leases.get(w.update.id);
      if (lease === undefined) this.give(w, 'its lease was lost');
      else live.push({ ...w, update: { ...w.update, lease } });
    }
    if (live.length === 0) return true;
    try {
      // The lease each update carries decides: a lapsed one nobody took over still counts.
      const written = await transactionWithRetry(this.db, async (tx) => {
        const parts = await updateParts(tx, live.map((w) => w.update));
        await finishParts(tx, parts);
        return new Set(parts.map((p) => String(p.id)));
      });
      for (const w of live) {
        if (written.has(w.update.id)) this.settle(w);
        else this.give(w, 'its lease was taken over');
      }
      return true;
    } catch (error) {
      if (isRowError(error)) {
        // One bad row must not lose the others' answers: each goes alone.
        if (live.length > 1) {
          for (const w of live) {
            await this.renewIfDue();
            await this.write([w]);
          }
        } else this.give(live[0]!, `its write failed: ${(error as Error).message}`);
        return true;
      }
      const now = Date.now();
      const lapsed = live.filter((w) => this.lapses.get(w.update.id)! <= now);
      for (const w of lapsed) this.give(w, `its lease lapsed while the database was away: ${(error as Error).message}`);
      const rest = live.filter((w) => !lapsed.includes(w));
      if (rest.length > 0) this.log?.warn({ err: error, parts: rest.length }, 'dispatch: could not record outcomes; trying again while the leases hold');
      this.waiting.unshift(...rest);
      return false;
    }
  }

  private async renewIfDue(): Promise<void> {
    if (!this.renewDue) return;
    this.renewDue = false;
    await this.renew();
  }

  private async renew(): Promise<void> {
    const held = [...this.leases].map(([id, lease]) => ({ id, lease }));
    if (held.length === 0) return;
    const started = Date.now();
    let renewed: { id: string; lease: string }[];
    try {
      renewed = await transactionWithRetry(this.db, (tx) => renewLeases(tx, held, this.leaseSeconds));
    } catch (error) {
      this.log?.warn({ err: error, parts: held.length }, 'dispatch: could not renew leases');
      return;
    }
    const kept = new Set<string>();
    for (const r of renewed) {
      kept.add(r.id);
      this.leases.set(r.id, r.lease);
      this.lapses.set(r.id, started + this.leaseSeconds * 1000);
    }
    for (const { id } of held) {
      if (kept.has(id)) continue;
      this.leases.delete(id);
      this.counts.leasesLost += 1;
      this.log?.warn({ partId: id }, 'dispatch: lease lost while the part waited for its answer; whoever took it over records it');
    }
  }

  private settle(w: Waiting): void {
    this.leases.delete(w.update.id);
    this.lapses.delete(w.update.id);
    this.counts.written += 1;
    w.done();
  }

  private give(w: Waiting, why: string): void {
    this.leases.delete(w.update.id);
    this.lapses.delete(w.update.id);
    this.counts.dropped += 1;
    this.log?.warn({ partId: w.update.id, outcome: w.update.status, errorCode: w.update.errorCode ?? null, why }, 'dispatch: answer dropped');
    w.done();
  }
}
