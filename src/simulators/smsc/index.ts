// The SMS centre simulator: an SMPP 3.4 server so Herald sends somewhere real
// in tests and in the embedded default, with faults to inject at run time.
export { startSmscSimulator, SMSC_SYSTEM_ID } from './simulator.js';
export { runSmscSimulatorCli, parseSmscSimulatorArgs } from './cli.js';
export { DEFAULT_FAULTS } from './faults.js';
export { MESSAGE_STATE } from './receipt.js';
export type {
  Faults,
  MessageIdFormat,
  Personality,
  ReceiptIdFormat,
  ReceiptStat,
  SendMoOptions,
  SendReceiptOptions,
  SmscCounters,
  SmscLogger,
  SmscSimulator,
  SmscSimulatorOptions,
  SubmitOutcome,
  SubmittedMessage,
  Udh,
} from './types.js';
