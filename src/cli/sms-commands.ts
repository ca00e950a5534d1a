import type { Command } from 'commander';
import * as ledger from '../modules/ledger/index.js';
import { smppUrlToConfig } from '../modules/messages/index.js';
import * as routing from '../modules/routing/index.js';
import { invalid } from '../platform/errors.js';
import { wholeNumber, withDatabase } from './with-database.js';

const out = (line: string) => process.stdout.write(`${line}\n`);

/** The connector config an smpp:// URL gives, or an error naming the argument (not a stack trace). */
function smppConfigOf(url: string): Record<string, unknown> {
  if (!url.startsWith('smpp://')) throw invalid('smpp-url', 'must start with smpp://');
  try {
    return smppUrlToConfig(url);
  } catch {
    throw invalid('smpp-url', 'is not a valid URL');
  }
}

/** Operator commands for credit, connectors and routes. */
export function registerSmsCommands(program: Command): void {
  const ledgerCmd = program.command('ledger').description('The credit ledger');
  ledgerCmd
    .command('verify')
    .description('Check that balances equal the sum of entries, nothing is negative and nothing was charged twice')
    .action(() =>
      withDatabase('cli', async (db) => {
        const report = await ledger.verifyLedger(db);
        if (report.ok) out('ledger ok');
        else {
          for (const p of report.problems) out(`problem: ${p}`);
          process.exitCode = 2;
        }
      }),
    );

  const credit = program.command('credit').description('Credit of an account');
  credit
    .command('top-up')
    .description('Add bought credit (never expires) to a top-level account')
    .requiredOption('--account <id>', 'account id (acct_…)')
    .requiredOption('--amount <minor>', 'amount in minor units (cents)')
    .option('--note <text>', 'why, for the record')
    .option('--idempotency-key <key>', 'run again with the same key after a failure: it credits once')
    .action((o: { account: string; amount: string; note?: string; idempotencyKey?: string }) =>
      withDatabase('cli', async (db) => {
        const { transactionId, replayed } = await ledger.topUp(db, {
          walletAccountId: o.account, amountMinor: BigInt(wholeNumber('--amount', o.amount, 1)), note: o.note ?? null, createdBy: 'cli',
          ...(o.idempotencyKey && { idempotency: { scope: 'cli', key: o.idempotencyKey } }),
        } as ledger.TopUpInput);
        const b = await ledger.getBalances(db, o.account);
        out(`top-up ${transactionId}${replayed ? ' (already made with this key)' : ''}: provision now ${b.provision.availableMinor}`);
      }),
    );
  credit
    .command('plan')
    .description('Set the SMS included each month (0 = none)')
    .requiredOption('--account <id>', 'account id (acct_…)')
    .requiredOption('--monthly-quota <n>', 'SMS parts included per month')
    .action((o: { account: string; monthlyQuota: string }) =>
      withDatabase('cli', async (db) => {
        await ledger.setPlan(db, o.account, { monthlyQuota: wholeNumber('--monthly-quota', o.monthlyQuota) });
        out('plan set');
      }),
    );

  const connector = program.command('connector').description('Links to SMS centres');
  connector
    .command('set <id> <smpp-url>')
    .description('Create or replace an SMPP connector: smpp://system_id:password@host:2775?binds=2&window=10')
    .option('--route <prefix...>', 'also route these prefixes to it (+32, or + for every number)')
    .action((id: string, url: string, o: { route?: string[] }) =>
      withDatabase('cli', async (db) => {
        await routing.saveConnector(db, { id, provider: 'sms-smpp', config: smppConfigOf(url) });
        if (o.route) {
          const routes = (await routing.listRoutes(db)).filter((r) => r.connector_id !== id);
          await routing.setRoutes(db, [...routes, ...o.route.map((prefix) => ({ prefix, connector_id: id, priority: 0 }))]);
        }
        out(`connector ${id} saved; workers pick it up within 10 s`);
      }),
    );
  connector
    .command('list')
    .description('Connectors and routes')
    .action(() =>
      withDatabase('cli', async (db) => {
        for (const c of await routing.listConnectors(db)) out(`${c.id}  ${c.provider}  ${c.enabled ? 'enabled' : 'disabled'}  ${String(c.config.host)}:${String(c.config.port)}`);
        for (const r of await routing.listRoutes(db)) out(`route ${r.prefix} → ${r.connector_id} (priority ${r.priority})`);
      }),
    );
  connector
    .command('remove <id>')
    .description('Remove a connector and its routes')
    .action((id: string) =>
      withDatabase('cli', async (db) => {
        await routing.removeConnector(db, id);
        out(`connector ${id} removed`);
      }),
    );
}
