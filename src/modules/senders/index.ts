export { POOL, type SenderChoice, type SenderNumber } from './types.js';
export { parseSender, type Sender } from './parse-sender.js';
export { routeReply } from './route-reply.js';
export { resolveSender, assignPoolNumbers, poolSender, setDefaultSender, getDefaultSenders, type ResolvedSender } from './resolve-sender.js';
export { listSenderChoices } from './list-choices.js';
export { addSenderNumber, listSenderNumbers, assignSenderNumber, removeSenderNumber } from './sender-numbers.js';
export {
  registerAlphanumeric, startMobileVerification, verifyMobile, listSenderIds, removeSenderId,
  CODE_TTL_MS, MAX_CODE_ATTEMPTS, MAX_CODES, MAX_CODES_PER_DAY, MAX_ACCOUNT_CODES_PER_DAY, MAX_NUMBER_CODES_PER_DAY, type SenderId,
} from './sender-ids.js';
