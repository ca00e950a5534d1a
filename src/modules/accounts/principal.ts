/**
 * Who is calling, as every use case sees it. The account acted on comes only
 * from here — never from a request body.
 */
export type Role = 'owner' | 'admin' | 'member';
export const ROLES: readonly Role[] = ['owner', 'admin', 'member'];

export const SCOPES = [
  'account:read',
  'account:write',
  'messages:read',
  'messages:write',
  'contacts:read',
  'contacts:write',
  'credit:read',
  'operator',
] as const;
export type Scope = (typeof SCOPES)[number];

const MEMBER_SCOPES: readonly Scope[] = ['account:read', 'messages:read', 'messages:write', 'contacts:read', 'contacts:write', 'credit:read'];

export interface Principal {
  kind: 'session' | 'api_key';
  /** The account the request acts on (a subaccount when switched into one). */
  accountId: string;
  /** The account the user or key belongs to. */
  homeAccountId: string;
  userId: string | null;
  role: Role | null;
  scopes: readonly Scope[];
  sessionId: string | null;
  csrfToken: string | null;
  apiKeyId: string | null;
}

/**
 * What a user of this role may do. `operator` comes from the installation,
 * never from an account action: only the owners of its own account have it.
 */
export function scopesForRole(role: Role, isOperatorAccount: boolean): Scope[] {
  const base = role === 'member' ? [...MEMBER_SCOPES] : SCOPES.filter((s) => s !== 'operator');
  if (isOperatorAccount && role === 'owner') base.push('operator');
  return base;
}

const RANK: Record<Role, number> = { member: 0, admin: 1, owner: 2 };

/** Whether `principal` may give someone `role` in `isOperatorAccount`: never above its own role, never a scope it lacks. */
export function mayGrantRole(principal: Principal, role: Role, isOperatorAccount: boolean): boolean {
  if (principal.kind !== 'session' || principal.role === null) return false;
  if (RANK[role] > RANK[principal.role]) return false;
  return scopesForRole(role, isOperatorAccount).every((s) => principal.scopes.includes(s));
}

export function hasScope(principal: Principal, scope: Scope): boolean {
  return principal.scopes.includes(scope);
}
