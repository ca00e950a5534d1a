import type { Hold } from '../ledger/index.js';
import type { PreparedSend } from './prepare-send.js';

/** One send's share of a group hold: its own hold as `prepareSend` made it. */
export interface HoldShare {
  send: number;
  reference: string;
  parts: number;
}

/** The hold that the sends of one account at one price take together in a commit group. */
export interface GroupHold {
  reference: string;
  accountId: string;
  price: bigint;
  parts: number;
  shares: HoldShare[];
}

/**
 * Sends of one account at one price in one commit share a hold: one ledger
 * transaction, its entries and its counters for the group instead of one set
 * per send, which is most of the database's work for a one-recipient send.
 * A lone send keeps its own reference, so it is held as if never grouped.
 */
export function planGroupHolds(sends: PreparedSend[], live: number[], groupId: string): GroupHold[] {
  const byKey = new Map<string, GroupHold>();
  for (const i of live) {
    const send = sends[i]!;
    for (const h of send.holds) {
      const key = `${send.caller.accountId} ${h.price}`;
      let group = byKey.get(key);
      if (!group) {
        group = { reference: `${groupId}.${byKey.size}`, accountId: send.caller.accountId, price: h.price, parts: 0, shares: [] };
        byKey.set(key, group);
      }
      group.parts += h.parts;
      group.shares.push({ send: i, reference: h.reference, parts: h.parts });
    }
  }
  const groups = [...byKey.values()];
  for (const g of groups) if (g.shares.length === 1) g.reference = g.shares[0]!.reference;
  return groups;
}

/** The messages written with their group's hold reference instead of their send's own. */
export function referenceOfMessages(sends: PreparedSend[], groups: GroupHold[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const g of groups) {
    if (g.shares.length === 1) continue;
    for (const share of g.shares) {
      for (const m of sends[share.send]!.messages) if (m.holdReference === share.reference) out.set(m.id, g.reference);
    }
  }
  return out;
}

/**
 * What each share of a group hold cost, as holding them one after the other
 * would have: quota first, in the group's order, then provision.
 */
export function splitHold(group: GroupHold, hold: Pick<Hold, 'quotaParts'>): { share: HoldShare; quotaParts: number; provisionMinor: bigint }[] {
  let quotaLeft = hold.quotaParts;
  return group.shares.map((share) => {
    const quotaParts = Math.min(quotaLeft, share.parts);
    quotaLeft -= quotaParts;
    return { share, quotaParts, provisionMinor: BigInt(share.parts - quotaParts) * group.price };
  });
}
