import type { Executor } from '../../platform/db/index.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import type { OutboundPolicy } from '../../platform/outbound-http.js';
import { isEmailAddress } from '../mail/index.js';
import { checkWebhookUrl } from '../webhooks/index.js';
import { deleteRuleRow, findRuleRow, insertRule, listRuleRows, lockRules, updateRuleRow, type RuleKind, type RuleRow } from './forwarding.repository.js';
import type { ForwardingRule } from './types.js';

export const MAX_FORWARDING_RULES = 10;

export interface RuleInput {
  kind: RuleKind;
  target: string;
  enabled?: boolean;
}

export interface RuleOptions {
  /** Hosts an administrator allows despite the SSRF guard. */
  policy?: OutboundPolicy;
}

const toRule = (r: RuleRow): ForwardingRule => ({ id: r.id, kind: r.kind, target: r.target, enabled: r.enabled, createdAt: r.created_at });

async function checkedTarget(kind: RuleKind, raw: string, options: RuleOptions): Promise<string> {
  const target = raw.trim();
  if (kind === 'email') {
    if (!isEmailAddress(target)) throw invalid('target', 'Not a valid email address', 'not_an_email');
    return target;
  }
  if (target.length > 2000) throw invalid('target', 'The URL is longer than 2,000 characters', 'url_too_long');
  return checkWebhookUrl(target, options, 'target');
}

export async function listForwardingRules(db: Executor, accountId: string): Promise<ForwardingRule[]> {
  return (await listRuleRows(db, accountId)).map(toRule);
}

export async function getForwardingRule(db: Executor, accountId: string, id: string): Promise<ForwardingRule> {
  const row = await findRuleRow(db, accountId, id);
  if (!row) throw notFound('Forwarding rule');
  return toRule(row);
}

/** Every new reply of the account goes to this address or URL too. */
export async function createForwardingRule(db: Executor, accountId: string, input: RuleInput, options: RuleOptions = {}): Promise<ForwardingRule> {
  // Resolving the host may take a while: done before the transaction.
  const target = await checkedTarget(input.kind, input.target, options);
  return db.transaction().execute(async (tx) => {
    if ((await lockRules(tx, accountId)) >= MAX_FORWARDING_RULES) {
      throw new AppError('conflict', `An account has at most ${MAX_FORWARDING_RULES} forwarding rules`);
    }
    return toRule(await insertRule(tx, accountId, { id: newId('fwd'), kind: input.kind, target, enabled: input.enabled ?? true }));
  });
}

/** Fields left out stay; a new kind needs a target of that kind. */
export async function updateForwardingRule(db: Executor, accountId: string, id: string, patch: Partial<RuleInput>, options: RuleOptions = {}): Promise<ForwardingRule> {
  const current = await getForwardingRule(db, accountId, id);
  const kind = patch.kind ?? current.kind;
  if (patch.kind !== undefined && patch.kind !== current.kind && patch.target === undefined) throw invalid('target', `A ${kind} rule needs a new target`);
  const target = patch.target !== undefined ? await checkedTarget(kind, patch.target, options) : current.target;
  const row = await updateRuleRow(db, accountId, id, { kind, target, enabled: patch.enabled ?? current.enabled });
  if (!row) throw notFound('Forwarding rule');
  return toRule(row);
}

export async function deleteForwardingRule(db: Executor, accountId: string, id: string): Promise<void> {
  if (!(await deleteRuleRow(db, accountId, id))) throw notFound('Forwarding rule');
}
