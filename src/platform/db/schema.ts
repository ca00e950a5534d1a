import type { ColumnType, Generated } from 'kysely';

/**
 * The tables as Kysely sees them. Repositories are the only code that uses
 * these names; everything else goes through module use cases.
 */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
type Bigint = ColumnType<string, bigint | number | string, bigint | number | string>;

export interface AccountsTable {
  id: string;
  name: string;
  parent_id: string | null;
  is_operator: Generated<boolean>;
  default_country: Generated<string>;
  timezone: Generated<string>;
  spending_limit_minor: Bigint | null;
  created_at: Timestamp;
  sms_max_parts: Generated<number>;
  allowed_countries: string[] | null;
}

export interface UsersTable {
  id: string;
  account_id: string;
  email: string;
  name: Generated<string>;
  role: 'owner' | 'admin' | 'member';
  password_hash: string | null;
  locale: Generated<string>;
  timezone: string | null;
  mobile: string | null;
  created_at: Timestamp;
  password_changed_at: NullableTimestamp;
  disabled_at: NullableTimestamp;
}

export interface SessionsTable {
  id: string;
  token_hash: Buffer;
  user_id: string;
  account_id: string;
  csrf_token: string;
  ip: string | null;
  user_agent: string | null;
  created_at: Timestamp;
  last_seen_at: Timestamp;
  expires_at: Timestamp;
}

export interface ApiKeysTable {
  id: string;
  account_id: string;
  name: string;
  prefix: string;
  token_hash: Buffer;
  scopes: string[];
  created_by: string | null;
  created_at: Timestamp;
  expires_at: NullableTimestamp;
  last_used_at: NullableTimestamp;
  last_used_ip: string | null;
  revoked_at: NullableTimestamp;
}

export interface OneTimeTokensTable {
  token_hash: Buffer;
  purpose: 'setup' | 'password_reset' | 'invitation';
  user_id: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: NullableTimestamp;
}

export interface LoginThrottleTable {
  key: string;
  failures: Generated<number>;
  last_failure_at: Timestamp;
  blocked_until: NullableTimestamp;
}

export interface RateLimitWindowsTable {
  key: string;
  window_started_at: Timestamp;
  hits: Generated<number>;
}

export interface PasswordResetRequestsTable {
  id: Generated<string>;
  email: string;
  link_base: string;
  requested_at: Timestamp;
}

export interface EmailOutboxTable {
  id: string;
  account_id: string | null;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  status: Generated<'pending' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  next_attempt_at: Timestamp;
  locked_until: NullableTimestamp;
  last_error: string | null;
  created_at: Timestamp;
  sent_at: NullableTimestamp;
  /** A one-time token the body holds redacted, kept only until sent, used or expired. */
  secret: string | null;
  secret_hash: Buffer | null;
  secret_expires_at: NullableTimestamp;
}

export type LedgerBucket =
  | 'quota' | 'held_quota' | 'quota_grants' | 'quota_expired' | 'spent_quota'
  | 'provision' | 'held_provision' | 'topups' | 'spent_provision';
export type LedgerUnit = 'sms' | 'money';
export type LedgerTransactionKind = 'topup' | 'grant' | 'expire' | 'hold' | 'settle' | 'refund';

export interface LedgerWalletsTable {
  account_id: string;
  monthly_quota: Generated<number>;
  period_start: NullableTimestamp;
  period_end: NullableTimestamp;
  created_at: Timestamp;
}

export interface LedgerBalancesTable {
  wallet_account_id: string;
  bucket: LedgerBucket;
  unit: LedgerUnit;
  balance: ColumnType<string, bigint | number | string | undefined, bigint | number | string>;
}

export interface LedgerTransactionsTable {
  id: Generated<string>;
  kind: LedgerTransactionKind;
  wallet_account_id: string;
  account_id: string;
  reference: string | null;
  hold_id: string | null;
  period_start: NullableTimestamp;
  quota_parts: Generated<number>;
  provision_parts: Generated<number>;
  price_per_part_minor: Bigint | null;
  limit_months: ColumnType<Record<string, string> | null, string | null | undefined, never>;
  note: string | null;
  created_by: string | null;
  at: Timestamp;
  created_at: Timestamp;
}

export interface LedgerEntriesTable {
  id: Generated<string>;
  transaction_id: string;
  wallet_account_id: string;
  bucket: LedgerBucket;
  unit: LedgerUnit;
  amount: Bigint;
  spender_account_id: string;
  at: Timestamp;
}

export interface LedgerSpendingTable {
  account_id: string;
  /** A SQL `date`: select it as `month::text` (pg would parse it into a local Date). */
  month: ColumnType<string, string, string>;
  spent_minor: ColumnType<string, bigint | number | string | undefined, bigint | number | string>;
}

/** What a hold still reserves; mutable, kept with the hold and each settle or refund of it. */
export interface LedgerHoldsTable {
  hold_id: string;
  wallet_account_id: string;
  quota_parts_held: number;
  provision_parts_held: number;
}

export interface Database {
  accounts: AccountsTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_keys: ApiKeysTable;
  one_time_tokens: OneTimeTokensTable;
  login_throttle: LoginThrottleTable;
  rate_limit_windows: RateLimitWindowsTable;
  password_reset_requests: PasswordResetRequestsTable;
  email_outbox: EmailOutboxTable;
  ledger_wallets: LedgerWalletsTable;
  ledger_balances: LedgerBalancesTable;
  ledger_transactions: LedgerTransactionsTable;
  ledger_entries: LedgerEntriesTable;
  ledger_spending: LedgerSpendingTable;
  ledger_holds: LedgerHoldsTable;
}
