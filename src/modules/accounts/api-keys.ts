import type { Executor } from '../../platform/db/index.js';
import { AppError, invalid, notFound } from '../../platform/errors.js';
import { newId } from '../../platform/ids.js';
import { insertApiKey, listApiKeys as listKeyRows, revokeApiKey as revokeKeyRow, type ApiKeyRow } from './credentials.repository.js';
import { SCOPES, type Principal, type Scope } from './principal.js';
import { newApiKeySecret } from './tokens.js';

export interface CreateApiKeyInput {
  name: string;
  scopes: string[];
  expiresAt?: Date | null;
}

/** The secret is returned here once and stored only as a SHA-256. */
export async function createApiKey(db: Executor, principal: Principal, input: CreateApiKeyInput): Promise<{ key: ApiKeyRow; secret: string }> {
  const scopes = [...new Set(input.scopes)];
  if (scopes.length === 0) throw invalid('scopes', 'Give the key at least one scope');
  for (const [i, scope] of scopes.entries()) {
    if (!(SCOPES as readonly string[]).includes(scope)) throw invalid(`scopes[${i}]`, `Unknown scope "${scope}"`);
    // A key never gets more than its creator has in this account.
    if (!principal.scopes.includes(scope as Scope)) throw new AppError('forbidden', `You cannot grant "${scope}"`, { field: `scopes[${i}]` });
  }
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw invalid('expires_at', 'Must be in the future', 'in_past');
  const { token, hash, prefix } = newApiKeySecret();
  const key = await insertApiKey(db, {
    id: newId('key'),
    account_id: principal.accountId,
    name: input.name.trim(),
    prefix,
    token_hash: hash,
    scopes,
    created_by: principal.userId,
    expires_at: input.expiresAt ?? null,
  });
  return { key, secret: token };
}

export function listApiKeys(db: Executor, principal: Principal): Promise<ApiKeyRow[]> {
  return listKeyRows(db, principal.accountId);
}

export async function revokeApiKey(db: Executor, principal: Principal, id: string): Promise<ApiKeyRow> {
  const key = await revokeKeyRow(db, principal.accountId, id);
  if (!key) throw notFound('API key');
  return key;
}
