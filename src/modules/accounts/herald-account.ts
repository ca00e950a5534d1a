/**
 * The account Herald's own SMS (verification codes) are recorded under. It
 * has no users, keys or wallet, so no tenant (the operator included) lists
 * them and none is charged for them; migration 0013_access_herald_sms makes it.
 */
export const HERALD_ACCOUNT_ID = 'acct_herald';
