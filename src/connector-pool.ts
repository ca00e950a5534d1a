import type { ConnectorStatus, InboundSms, Receipt, SmsConnector } from './channels/channel.js';
import { findSmsProvider } from './channels/registry.js';
import * as inbox from './modules/inbox/index.js';
import * as messages from './modules/messages/index.js';
import * as routing from './modules/routing/index.js';
import { createBatcher } from './platform/batcher.js';
import type { Executor } from './platform/db/index.js';
import type { Logger } from './platform/logger.js';

/**
 * The running SMS connectors of one worker process, built from the
 * connectors table and rebuilt when an operator changes it. Receipts and
 * inbound texts are stored before the SMS centre is answered.
 */
export class ConnectorPool implements messages.ConnectorSet {
  private running = new Map<string, { connector: SmsConnector; version: string }>();
  private routes: routing.RouteRow[] = [];
  private receipts;
  /** Outcomes of dispatch rounds answered and not yet written. */
  private writes = new Set<Promise<void>>();
  readonly log: Logger;

  constructor(
    private readonly db: Executor,
    private readonly logger: Logger,
  ) {
    this.log = logger;
    this.receipts = createBatcher<Receipt>(
      async (batch) => {
        try {
          // Receipts race their own submits: many arrive before the answer
          // with the provider id is written. Waiting for the writes under way
          // (each is a few milliseconds, not a whole round) lets them apply at
          // once instead of being parked.
          if (this.writes.size > 0) await Promise.allSettled([...this.writes]);
          await messages.recordReceipts(db, batch);
        } catch (error) {
          // The centre is answered 0x64 and sends them again; say why.
          logger.warn({ err: error, receipts: batch.length }, 'could not store receipts');
          throw error;
        }
      },
      // Two flushes of up to 2,000 side by side: receipts come as fast as parts are
      // submitted, and each flush first waits for the outcomes being written. Smaller or
      // one at a time, they fell behind during a 100,000-part send, and 60,000 parsed
      // receipts waited in memory. Two flushes touching one part are kept apart by
      // its row lock; a deadlock between them is retried.
      { maxItems: 2000, maxWaitMs: 5, concurrency: 2 },
    );
  }

  route(destination: string): SmsConnector[] {
    return routing.routeFor(this.routes, destination).flatMap((id) => {
      const c = this.running.get(id);
      return c ? [c.connector] : [];
    });
  }

  recording(written: Promise<void>): void {
    this.writes.add(written);
    void written.finally(() => this.writes.delete(written));
  }

  /** Brings the running connectors in line with the table. */
  async refresh(): Promise<void> {
    const rows = (await routing.listConnectors(this.db)).filter((r) => r.enabled);
    this.routes = await routing.listRoutes(this.db);
    const wanted = new Map(rows.map((r) => [r.id, r]));
    for (const [id, c] of this.running) {
      const row = wanted.get(id);
      if (!row || versionOf(row) !== c.version) {
        this.running.delete(id);
        await c.connector.stop();
      }
    }
    for (const row of rows) {
      if (this.running.has(row.id)) continue;
      const provider = findSmsProvider(row.provider);
      if (!provider) {
        this.logger.error({ connector: row.id, provider: row.provider }, 'unknown SMS provider; connector not started');
        continue;
      }
      const connector = provider.create(row.id, row.config, { logger: this.logger.child({ connector: row.id }) });
      connector.onReceipt((r) => this.receipts.add(r));
      connector.onInbound((sms: InboundSms) => inbox.storeInboundPart(this.db, sms));
      this.running.set(row.id, { connector, version: versionOf(row) });
      await connector.start();
      this.logger.info({ connector: row.id }, 'SMS connector started');
    }
  }

  /** What each running connector says about its binds, for /readyz and /metrics (read-only). */
  statuses(): ConnectorStatus[] {
    return [...this.running.values()].map((c) => c.connector.status());
  }

  async stop(): Promise<void> {
    await Promise.all([...this.running.values()].map((c) => c.connector.stop()));
    this.running.clear();
    await this.receipts.close();
  }
}

/** What a running connector was built from: a change to either rebuilds it. */
const versionOf = (row: routing.ConnectorRow) => `${row.provider} ${JSON.stringify(row.config)}`;
