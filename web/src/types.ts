// The shapes the API answers with (see /openapi.json).
export interface User { id: string; account_id: string; email: string; name: string; role: string; locale: string; timezone: string | null; mobile: string | null; status: string; created_at: string }
export interface Account { id: string; name: string; default_country: string; timezone: string; spending_limit: number | null; currency: string; sms_max_parts: number; allowed_countries: string[] | null; is_operator: boolean; created_at: string }
export interface Session { user: User; account: Account; csrf_token: string; scopes: string[] }
export interface Page<T> { data: T[]; next_cursor: string | null }
export interface Phone { type: string; number: string }
export interface Contact { id: string; address_book: 'personal' | 'shared'; name: string; organisation: string | null; phones: Phone[]; emails: string[]; notes: string | null; tags: string[]; created_at: string; updated_at: string }
export interface ContactList { id: string; address_book: 'personal' | 'shared'; name: string; description: string | null; members: number; created_at: string; updated_at: string }
export interface Member { id: string; contact: { id: string; name: string; type: string | null } | null; number: string | null; email: string | null; list: { id: string; name: string } | null }
export interface Preview {
  encoding: string; parts: number; characters: number; units: number; units_per_part: number; non_gsm_characters: string[]; max_parts: number;
  problem: { code: string; reason: string } | null; price_per_part: number; cost_per_recipient: number; currency: string;
  recipients: { to: string; country: string | null; cost: number; problem: string | null; problem_code: string | null }[];
}
/** `meets_name_rule` is false for a name registered before the rule of 1–11 letters, digits and spaces: it sends, but cannot be registered again. */
export interface SenderChoice { id: string | null; kind: 'pool' | 'dedicated' | 'mobile' | 'alphanumeric'; value: string; repliable: boolean; usable: boolean; meets_name_rule?: boolean }
export interface Senders { data: SenderChoice[]; default: { account: string | null; user: string | null; installation: string } }
export interface SendResult {
  batch_id: string; encoding: string; parts_per_message: number;
  accepted: { id: string; to: string; index: number; status: string; price_per_part: number; contact_id?: string; list_id?: string }[];
  rejected: { index: number; to: string; code: string; reason: string; field: string; contact_id?: string; list_id?: string }[];
  cost: { parts: number; quota_parts: number; provision: number };
  currency: string;
}
export interface Message { id: string; batch_id: string; to: string; sender: string; text: string; encoding: string; parts: number; price_per_part: number; currency: string; status: string; error_code: string | null; client_reference: string | null; send_at: string; valid_until: string; created_at: string; updated_at: string; final_at: string | null; contact_id: string | null; list_id: string | null; contact_name?: string | null }
export interface MessageDetail extends Message {
  part_list: { seq: number; status: string; submits: number; error_code: string | null; submitted_at: string | null; final_at: string | null }[];
  history: { status: string; detail: string | null; at: string }[];
}
export interface Credit {
  quota: { monthly: number; remaining: number; held: number; period_start: string | null; period_end: string | null } | null;
  provision: { available: number; held: number } | null;
  spending: { limit: number | null; spent: number; month: string } | null;
  currency: string;
}
/** What a new installation still lacks (GET /v1/first-run). */
export interface FirstRun { credit: { done: boolean }; sender: { done: boolean }; sms_centre: { done: boolean; simulator: boolean }; test_reply: boolean }
export interface UsagePoint { start: string; quota_used: number; provision_used: number; quota_remaining: number | null; provision_remaining: number | null }
export interface ImportPreview { options: { format: string; encoding: string; delimiter: string; has_header: boolean; mapping: string[] }; columns: string[]; rows: { line: number; contact: { name: string; organisation: string | null; phones: Phone[]; emails: string[]; tags: string[] } | null; error: RowProblem | null }[] }
/** Why an import row is refused: `code` is stable (translated), `reason` the server's English. */
export interface RowProblem { field: string | null; reason: string; code?: string | null }
export interface ContactImport { id: string; address_book: string; format: string; status: string; bytes: number; progress: number; rows: number; created: number; merged: number; failed: number; error: string | null; created_at: string; finished_at: string | null }
export interface InboxItem { id: string; from: string; to: string; text: string; parts: number; incomplete: boolean; opt_out: 'stop' | 'start' | null; received_at: string; read: boolean; read_at: string | null; reply_to: { id: string; to: string; text: string; sent_at: string } | null; contact_name: string | null; opted_out: boolean; suppressed: boolean }
export interface ConversationEntry { direction: 'out' | 'in'; id: string; at: string; text: string; ours: string; status: string | null }
export interface Conversation { number: string; contact_name: string | null; opted_out: boolean; suppressed: boolean; data: ConversationEntry[] }
export interface ForwardingRule { id: string; kind: 'email' | 'http'; target: string; enabled: boolean; created_at: string }
export interface ApiKey { id: string; name: string; prefix: string; scopes: string[]; created_at: string; expires_at: string | null; last_used_at: string | null; revoked_at: string | null; suspended: boolean }
export interface SenderId { id: string; kind: 'mobile' | 'alphanumeric'; value: string; verified: boolean; created_at: string }
export interface Webhook { id: string; url: string; description: string | null; events: string[]; enabled: boolean; disabled_reason: string | null; failing_since: string | null; created_at: string; updated_at: string }
export interface Delivery { id: string; event_id: string; event_type: string; endpoint_id: string | null; url: string; status: 'pending' | 'succeeded' | 'failed'; attempts: number; next_attempt_at: string | null; last_error: string | null; created_at: string; finished_at: string | null }
export interface Attempt { attempted_at: string; status_code: number | null; latency_ms: number; response_start: string | null; error: string | null }
export interface DeliveryDetail extends Delivery { attempt_log: Attempt[] }
export interface WebhookEvent { id: string; type: string; created_at: string; payload: { type: string; timestamp: string; data: Record<string, unknown> } }
export interface CallbackSecret { secret: string; previous: { secret: string; expires_at: string }[] }
