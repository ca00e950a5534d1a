/** A sender an account can choose, as lists and forms show it. */
export interface SenderChoice {
  /** Sender id for registered names and mobiles; null for pool and dedicated numbers. */
  id: string | null;
  kind: 'pool' | 'dedicated' | 'mobile' | 'alphanumeric';
  /** What to pass as `sender`: `pool`, a number in E.164 or a name. */
  value: string;
  /** Whether replies to it reach Herald's inbox. */
  repliable: boolean;
  /** False for a mobile whose code has not been entered yet. */
  usable: boolean;
  /** False for a name registered before today's rule (1–11 letters, digits, spaces): it still sends, but cannot be registered again. */
  meetsNameRule: boolean;
  /** The user a mobile belongs to. */
  userId: string | null;
}

export interface SenderNumber {
  number: string;
  kind: 'pool' | 'dedicated';
  accountId: string | null;
  createdAt: Date;
}

/** The sender word that asks Herald to pick a pool number per recipient. */
export const POOL = 'pool';
