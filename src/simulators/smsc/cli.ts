import { startSmscSimulator } from './simulator.js';
import type { SmscSimulator, SmscSimulatorOptions } from './types.js';

/** Usage text of `herald smsc-sim`. */
export const SMSC_SIM_USAGE = `Usage: herald smsc-sim [options]
  --host <host>              interface to listen on (default 127.0.0.1)
  --port <port>              TCP port, 0 for any free one (default 2775)
  --system-id <id>           accept only this system_id (default: any)
  --password <password>      accept only this password (default: any)
  --receipt-delay-ms <ms>    delay before each delivery receipt (default 50)`;

const FLAGS = ['--host', '--port', '--system-id', '--password', '--receipt-delay-ms'] as const;
type Flag = (typeof FLAGS)[number];

function wholeNumber(flag: string, value: string, max: number): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > max) throw new Error(`${flag} wants a whole number up to ${max}, got "${value}"\n${SMSC_SIM_USAGE}`);
  return n;
}

/**
 * Parses `--flag value` and `--flag=value`. Throws with the usage on an unknown
 * flag or a bad value. The CLI defaults to 2775, the registered SMPP port.
 */
export function parseSmscSimulatorArgs(argv: readonly string[]): SmscSimulatorOptions {
  const options: SmscSimulatorOptions = { port: 2775 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf('=');
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    if (!(FLAGS as readonly string[]).includes(flag)) throw new Error(`unknown option ${arg}\n${SMSC_SIM_USAGE}`);
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new Error(`${flag} needs a value\n${SMSC_SIM_USAGE}`);
    switch (flag as Flag) {
      case '--host':
        options.host = value;
        break;
      case '--port':
        options.port = wholeNumber(flag, value, 65535);
        break;
      case '--system-id':
        options.systemId = value;
        break;
      case '--password':
        options.password = value;
        break;
      case '--receipt-delay-ms':
        options.receiptDelayMs = wholeNumber(flag, value, 86_400_000);
        break;
    }
  }
  return options;
}

export interface SmscCliIo {
  log(line: string): void;
  /** Close the simulator on SIGINT/SIGTERM. Default true; tests turn it off. */
  handleSignals?: boolean;
}

/**
 * Entry of `herald smsc-sim`: starts the simulator and prints where it listens.
 * `argv` is the arguments after the command name. Resolves with the running
 * simulator, or null when `--help` was asked.
 */
export async function runSmscSimulatorCli(
  argv: readonly string[],
  io: SmscCliIo = { log: (line) => console.log(line) },
): Promise<SmscSimulator | null> {
  if (argv.includes('--help') || argv.includes('-h')) {
    io.log(SMSC_SIM_USAGE);
    return null;
  }
  const options = parseSmscSimulatorArgs(argv);
  const simulator = await startSmscSimulator({
    ...options,
    logger: { debug() {}, info() {}, warn: (...args: unknown[]) => console.warn(...args) },
  });
  io.log(`SMSC simulator listening on ${simulator.host}:${simulator.port}`);
  if (io.handleSignals ?? true) {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void simulator.close();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  }
  return simulator;
}
