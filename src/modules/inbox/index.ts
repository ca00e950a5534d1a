export type { InboxMessage, UnroutableReply, ForwardingRule, RuleKind, OptOut } from './types.js';
export { storeInboundPart } from './store-inbound-part.js';
export { assembleInbound, pruneInboundParts, FLUSH_AFTER_MS, type AssembleOptions } from './assemble-inbound.js';
export {
  listInbox, getInboxMessage, countUnreadInbox, markInboxRead, deleteInboxMessage, listUnroutable, type InboxFilter, type Page,
} from './read-inbox.js';
export {
  listForwardingRules, getForwardingRule, createForwardingRule, updateForwardingRule, deleteForwardingRule, MAX_FORWARDING_RULES,
  type RuleInput, type RuleOptions,
} from './forwarding-rules.js';
export { optOutKeyword } from './opt-out.js';
export { getConversation, type Conversation, type ConversationEntry } from './conversation.js';
export { testReplyAddresses, TEST_HANDSET, type TestReplyAddresses } from './test-reply.js';
