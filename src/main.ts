import { Command, Option } from 'commander';
import * as accounts from './modules/accounts/index.js';
import * as mail from './modules/mail/index.js';
import { ConfigError, loadConfig, publicUrl } from './platform/config.js';
import { isAppError } from './platform/errors.js';
import { runSmscSimulatorCli } from './simulators/smsc/index.js';
import { createLogger } from './platform/logger.js';
import { ConfigSchema, serve, VERSION, type Config } from './serve.js';
import { withDatabase } from './cli/with-database.js';
import { NoDatabaseError } from './platform/db/connect.js';
import { registerSmsCommands } from './cli/sms-commands.js';

function config(): Config {
  return loadConfig(ConfigSchema);
}

async function runUntilSignal(parts: { api: boolean; worker: boolean }): Promise<void> {
  const cfg = config();
  const logger = createLogger(cfg.HERALD_LOG_LEVEL);
  const running = await serve(cfg, parts, logger);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown took over 30 s; exiting');
      process.exit(1);
    }, 30_000);
    force.unref();
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}


const program = new Command('herald').version(VERSION).description('Herald: business messaging you run yourself');

program.command('start').description('API, web and workers in one process (what npm start runs)').action(() => runUntilSignal({ api: true, worker: true }));
program.command('api').description('The HTTP API only').action(() => runUntilSignal({ api: true, worker: false }));
program.command('worker').description('Background workers only; run as many as you like against one database').action(() => runUntilSignal({ api: false, worker: true }));

program.command('migrate').description('Apply pending database migrations and exit').action(() =>
  withDatabase('migrate', async () => {
    process.stdout.write('database is up to date\n');
  }),
);

program
  .command('create-account')
  .description('Create an account; its owner gets a link to choose a password')
  .requiredOption('--name <name>', 'account name')
  .requiredOption('--email <email>', 'email of its owner')
  .option('--owner-name <name>', 'name of its owner')
  .option('--country <code>', 'default country for national numbers (ISO 3166-1 alpha-2)', 'BE')
  .option('--timezone <tz>', 'IANA time zone', 'UTC')
  .action((o: { name: string; email: string; ownerName?: string; country: string; timezone: string }) =>
    withDatabase('cli', async (db, cfg) => {
      const { account, owner, link } = await accounts.createAccount(
        db,
        { name: o.name, ownerEmail: o.email, ownerName: o.ownerName, defaultCountry: o.country, timezone: o.timezone },
        publicUrl(cfg),
      );
      process.stdout.write(`account ${account.id} created; owner ${owner.email} (${owner.id})\nset-password link (also emailed, valid 7 days):\n${link}\n`);
    }),
  );

program
  .command('outbox')
  .description('Show email Herald sent or keeps for sending; a link is shown only while its email waits for sending and the link still works')
  .addOption(new Option('--status <status>', 'only this status').choices(['pending', 'sent', 'failed']))
  .option('--limit <n>', 'how many, newest first', '20')
  .option('--json', 'one JSON object per line')
  .action((o: { status?: 'pending' | 'sent' | 'failed'; limit: string; json?: boolean }) =>
    withDatabase('cli', async (db) => {
      const limit = Number.parseInt(o.limit, 10);
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw new Error('--limit must be a whole number from 1 to 1000');
      // Whoever runs this can read the database anyway; without SMTP it is how
      // a pending invitation or reset link reaches its person. Sent, used and
      // expired links show as [redacted].
      const rows = await mail.listOutbox(db, { limit, ...(o.status && { status: o.status }) }, { revealLiveTokens: true });
      for (const r of rows) {
        if (o.json) process.stdout.write(`${JSON.stringify(r)}\n`);
        else process.stdout.write(`${r.created_at.toISOString()}  ${r.status.padEnd(7)}  to ${r.to_address}\n  subject: ${r.subject}\n${r.text_body.replace(/^/gm, '    ')}\n`);
      }
      if (rows.length === 0) process.stdout.write('the outbox is empty\n');
    }),
  );

registerSmsCommands(program);

program
  .command('smsc-sim')
  .description('An SMPP SMS centre simulator, for trying Herald without an operator (--help for its options)')
  .helpOption(false)
  .allowUnknownOption()
  .argument('[options...]')
  .action(async (args: string[]) => {
    try {
      await runSmscSimulatorCli(args);
    } catch (error) {
      // A bad option (its message carries the usage) or a port in use: the operator needs the words, not a stack.
      process.stderr.write(`herald: ${(error as Error).message}\n`);
      process.exitCode = 1;
    }
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof ConfigError || error instanceof NoDatabaseError) process.stderr.write(`herald: ${error.message}\n`);
  else if (isAppError(error)) process.stderr.write(`herald: ${error.field ? `${error.field}: ` : ''}${error.publicMessage}\n`);
  else process.stderr.write(`herald: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
