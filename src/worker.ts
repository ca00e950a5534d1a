import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Executor } from './platform/db/index.js';
import type { Logger } from './platform/logger.js';
import * as accounts from './modules/accounts/index.js';
import * as mail from './modules/mail/index.js';
import * as contacts from './modules/contacts/index.js';
import * as creditAlerts from './modules/credit-alerts/index.js';
import * as inbox from './modules/inbox/index.js';
import * as ledger from './modules/ledger/index.js';
import * as messages from './modules/messages/index.js';
import * as routing from './modules/routing/index.js';
import * as webhooks from './modules/webhooks/index.js';
import type { OutboundPolicy } from './platform/outbound-http.js';
import type { ConnectorPool } from './connector-pool.js';

export interface Worker {
  stop(): Promise<void>;
}

interface Loop {
  name: string;
  everyMs: number;
  /** Returns true when it did work, so that the loop goes again at once. */
  run(): Promise<boolean>;
}

/**
 * Background work of one process. Every loop claims its rows with SKIP LOCKED
 * or is idempotent, so any number of workers can share one database.
 */
export function startWorker(options: {
  db: Executor; logger: Logger; mail: mail.MailConfig; mailDomain: string; sms?: ConnectorPool; outboundPolicy?: OutboundPolicy;
  /** HERALD_CURRENCY, for the amounts in low-credit alerts; EUR when not given. */
  currency?: string;
}): Worker {
  const { db, logger } = options;
  const workerId = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const abort = new AbortController();
  // Every loop sleeps on this one signal: one listener per loop is expected, not a leak.
  setMaxListeners(100, abort.signal);
  const transport = options.mail.HERALD_SMTP_URL ? mail.createSmtpTransport(options.mail.HERALD_SMTP_URL, options.mail.HERALD_MAIL_FROM) : null;
  if (!transport) logger.info('no HERALD_SMTP_URL: email stays in the outbox (herald outbox, GET /v1/admin/outbox)');

  const loops: Loop[] = [
    ...(transport
      ? [{ name: 'mail.deliver', everyMs: 1000, run: async () => (await mail.deliverDueEmails(db, transport, { domain: options.mailDomain })) > 0 }]
      : []),
    { name: 'accounts.expire-sessions', everyMs: 3600_000, run: async () => (await accounts.deleteExpiredSessions(db)) > 0 && false },
    { name: 'accounts.password-resets', everyMs: 1000, run: async () => (await accounts.sendPasswordResets(db)) > 0 },
    { name: 'accounts.prune-rate-limits', everyMs: 3600_000, run: async () => (await accounts.deleteOldRateLimitWindows(db), false) },
    { name: 'mail.forget-expired-secrets', everyMs: 60_000, run: async () => (await mail.forgetExpiredEmailSecrets(db), false) },
    { name: 'messages.expire-idempotency-keys', everyMs: 3600_000, run: async () => (await messages.deleteOldIdempotencyKeys(db)) > 0 && false },
    { name: 'ledger.roll-quota-periods', everyMs: 600_000, run: async () => (await ledger.rollQuotaPeriods(db), false) },
    { name: 'contacts.import', everyMs: 1000, run: () => contacts.runNextImport(db, { signal: abort.signal }) },
    { name: 'webhooks.deliver', everyMs: 1000, run: async () => (await webhooks.deliverDueWebhooks(db, { policy: options.outboundPolicy ?? {} })) > 0 },
    { name: 'webhooks.prune', everyMs: 3600_000, run: () => webhooks.pruneWebhookEvents(db) },
    { name: 'credit.low-alerts', everyMs: 10_000, run: async () => (await creditAlerts.checkCreditAlerts(db, { ...(options.currency && { currency: options.currency }) }), false) },
    ...(options.sms ? smsLoops(db, options.sms, workerId) : []),
  ];

  const running = loops.map(async (loop) => {
    let failures = 0;
    while (!abort.signal.aborted) {
      let again = false;
      try {
        again = await loop.run();
        failures = 0;
      } catch (error) {
        failures++;
        logger.warn({ err: error, loop: loop.name }, 'background job failed; retrying');
      }
      const wait = again ? 0 : failures > 0 ? Math.min(30_000, 1000 * 2 ** failures) : loop.everyMs;
      await sleep(wait, undefined, { signal: abort.signal }).catch(() => undefined);
    }
  });

  return {
    async stop() {
      abort.abort();
      await Promise.all(running);
      if (options.sms) {
        await routing.withdrawConnectorStatus(db, workerId).catch((error: unknown) => logger.warn({ err: error }, 'could not withdraw connector status'));
      }
      transport?.close();
    },
  };
}

function smsLoops(db: Executor, pool: ConnectorPool, workerId: string): Loop[] {
  return [
    // Binds up per connector, for /readyz and /metrics of every process (API-only ones too).
    { name: 'connectors.report-status', everyMs: routing.REPORT_EVERY_MS, run: async () => (await routing.reportConnectorStatus(db, workerId, pool.statuses()), false) },
    // Two rounds side by side: while one waits for the SMS centre or its commit,
    // the other claims and submits (SKIP LOCKED keeps them apart).
    ...[1, 2].map((n) => ({ name: `messages.dispatch-${n}`, everyMs: 50, run: async () => (await messages.dispatchDueParts(db, pool)) > 0 })),
    // Settles and refunds in batches (again at once only when a batch was full), so that
    // dispatch rounds never wait for the wallet lock that sends need.
    { name: 'messages.charge', everyMs: 250, run: async () => (await messages.chargeParts(db, { limit: 5000 })) >= 5000 },
    { name: 'messages.recover-leases', everyMs: 5000, run: async () => (await messages.recoverExpiredLeases(db, { log: pool.log })) > 0 },
    { name: 'messages.reconcile-receipts', everyMs: 2000, run: async () => (await messages.reconcileParkedReceipts(db)) > 0 },
    { name: 'messages.close-silent', everyMs: 60_000, run: async () => (await messages.closeSilentMessages(db)) > 0 },
    { name: 'messages.redact-own-sms', everyMs: 60_000, run: async () => (await messages.redactOwnSms(db), false) },
    { name: 'connectors.refresh', everyMs: 10_000, run: async () => (await pool.refresh(), false) },
    // Replies are stored by the connectors; this joins their parts and files them.
    { name: 'inbox.assemble', everyMs: 1000, run: () => inbox.assembleInbound(db) },
    { name: 'inbox.prune-parts', everyMs: 3600_000, run: () => inbox.pruneInboundParts(db) },
  ];
}
