import { createContext, useContext } from 'react';
import type { Account, Session } from './types';

export interface SessionState {
  session: Session;
  /** The account acted on: the user's own, or a subaccount switched into. */
  acting: Account;
  subaccounts: Account[];
  switchAccount(id: string | null): void;
  /** Fetches the session again (after a profile change). */
  refresh(): Promise<void>;
  signOut(): Promise<void>;
  can(scope: string): boolean;
}

export const SessionContext = createContext<SessionState | null>(null);

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside a signed-in page');
  return s;
}
