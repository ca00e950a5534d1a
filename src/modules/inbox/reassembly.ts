/** One stored part of a long reply, as the assembly sees it. */
export interface StoredPart {
  id: string;
  sequence: number;
  text: string;
  receivedAt: Date;
  /** Set on parts already assembled (or counted as duplicates). */
  inboxMessageId?: string | null;
}

export interface GroupPlan {
  /** One part per sequence number, in order: what the message is made of. */
  parts: StoredPart[];
  /** Copies of a part among the pending ones: marked with the new message. */
  duplicates: StoredPart[];
  /** Copies of a part assembled earlier: marked with that message, nothing new is made of them. */
  late: { part: StoredPart; inboxMessageId: string | null }[];
  /** All parts are here, or the first of them waited past the flush time. */
  ready: boolean;
}

/**
 * Sorts the pending parts of one group (same connector, sender, recipient,
 * reference and total). A pending part equal in sequence and text to one
 * assembled earlier is the centre sending it again (our answer was lost), so
 * it is dropped; equal text matters because 8-bit references wrap after 256
 * long messages and a new message may reuse one.
 */
export function planGroup(pending: StoredPart[], earlier: StoredPart[], total: number, flushBefore: Date): GroupPlan {
  const late: GroupPlan['late'] = [];
  const fresh: StoredPart[] = [];
  for (const part of pending) {
    const twin = earlier.find((e) => e.sequence === part.sequence && e.text === part.text);
    if (twin) late.push({ part, inboxMessageId: twin.inboxMessageId ?? null });
    else fresh.push(part);
  }
  const bySequence = new Map<number, StoredPart>();
  const duplicates: StoredPart[] = [];
  for (const part of [...fresh].sort((a, b) => compareIds(a.id, b.id))) {
    if (bySequence.has(part.sequence)) duplicates.push(part);
    else bySequence.set(part.sequence, part);
  }
  const parts = [...bySequence.values()].sort((a, b) => a.sequence - b.sequence);
  const first = Math.min(...fresh.map((p) => p.receivedAt.getTime()));
  const ready = parts.length > 0 && (parts.length >= total || first <= flushBefore.getTime());
  return { parts, duplicates, late, ready };
}

/** Ids are bigint sequence values carried as strings. */
const compareIds = (a: string, b: string) => (a.length - b.length) || (a < b ? -1 : a > b ? 1 : 0);

/**
 * The text of a long reply: parts joined in sequence order, each missing one
 * shown where it belongs so that nobody reads a flushed message as whole.
 */
export function joinParts(parts: { sequence: number; text: string }[], total: number): { text: string; incomplete: boolean } {
  const bySequence = new Map(parts.map((p) => [p.sequence, p.text]));
  let text = '';
  let incomplete = false;
  for (let sequence = 1; sequence <= total; sequence++) {
    const part = bySequence.get(sequence);
    if (part !== undefined) text += part;
    else {
      incomplete = true;
      text += missingMarker(sequence, total);
    }
  }
  return { text, incomplete };
}

const missingMarker = (sequence: number, total: number) => ` [part ${sequence} of ${total} missing] `;
