import { sql, type Executor } from '../../platform/db/index.js';

export interface PartRow {
  /** bigint, as text */
  id: string;
  connector_id: string;
  sender: string;
  recipient: string;
  data_coding: number;
  concat_reference_bits: number | null;
  concat_reference: number | null;
  concat_total: number | null;
  concat_sequence: number | null;
  body: string;
  received_at: Date;
  inbox_message_id: string | null;
}

export interface NewPart {
  connectorId: string;
  sender: string;
  recipient: string;
  dataCoding: number;
  concat: { reference: number; bits: number; total: number; sequence: number } | null;
  body: string;
  receivedAt: Date;
}

/** Parts of one long message share this; a single text is a unit of its own. */
export interface GroupKey {
  connectorId: string;
  sender: string;
  recipient: string;
  bits: number | null;
  reference: number;
  total: number;
}

export type Unit = { kind: 'single'; id: string } | ({ kind: 'group' } & GroupKey);

const COLUMNS = sql`id, connector_id, sender, recipient, data_coding, concat_reference_bits, concat_reference, concat_total, concat_sequence, body, received_at, inbox_message_id`;

export async function insertPart(db: Executor, p: NewPart): Promise<void> {
  await sql`insert into sms_inbound (connector_id, sender, recipient, data_coding, concat_reference_bits, concat_reference, concat_total, concat_sequence, body, received_at)
    values (${p.connectorId}, ${p.sender}, ${p.recipient}, ${p.dataCoding}, ${p.concat?.bits ?? null}, ${p.concat?.reference ?? null},
      ${p.concat?.total ?? null}, ${p.concat?.sequence ?? null}, ${p.body}, ${p.receivedAt})`.execute(db);
}

/** One assembler at a time: parts of one group must not be split between two. */
export async function tryLockAssembly(db: Executor): Promise<boolean> {
  const r = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(hashtext('herald:inbox.assemble')) as locked`.execute(db);
  return r.rows[0]?.locked === true;
}

/**
 * Pending work, oldest first: every single text, and every group that has all
 * its parts (copies counted once) or whose first part is older than `flushBefore`.
 */
export async function findReadyUnits(db: Executor, flushBefore: Date, limit: number): Promise<Unit[]> {
  const r = await sql<{ first_id: string; connector_id: string; sender: string; recipient: string; bits: number | null; reference: number | null; total: number | null }>`
    select min(id) as first_id, connector_id, sender, recipient, concat_reference_bits as bits, concat_reference as reference, concat_total as total
      from sms_inbound where processed_at is null and concat_reference is not null
      group by connector_id, sender, recipient, concat_reference_bits, concat_reference, concat_total
      having count(distinct concat_sequence) >= concat_total or min(received_at) <= ${flushBefore}
    union all
    select id, connector_id, sender, recipient, null, null, null from sms_inbound where processed_at is null and concat_reference is null
    order by first_id limit ${limit}`.execute(db);
  return r.rows.map((u): Unit => u.reference === null || u.total === null
    ? { kind: 'single', id: u.first_id }
    : { kind: 'group', connectorId: u.connector_id, sender: u.sender, recipient: u.recipient, bits: u.bits, reference: u.reference, total: u.total });
}

const sameGroup = (k: GroupKey) => sql`connector_id = ${k.connectorId} and sender = ${k.sender} and recipient = ${k.recipient}
  and concat_reference_bits is not distinct from ${k.bits}::smallint and concat_reference = ${k.reference} and concat_total = ${k.total}`;

/** The unit's parts not yet assembled, locked until the caller commits. */
export async function findPendingParts(db: Executor, unit: Unit): Promise<PartRow[]> {
  const where = unit.kind === 'single' ? sql`id = ${unit.id}` : sameGroup(unit);
  const r = await sql<PartRow>`select ${COLUMNS} from sms_inbound where ${where} and processed_at is null order by id for update`.execute(db);
  return r.rows;
}

/** Parts of the group assembled since `since`, to recognise a part sent again. */
export async function findAssembledParts(db: Executor, key: GroupKey, since: Date): Promise<PartRow[]> {
  const r = await sql<PartRow>`select ${COLUMNS} from sms_inbound
    where ${sameGroup(key)} and processed_at is not null and received_at >= ${since} order by id`.execute(db);
  return r.rows;
}

/** The message an identical single text received within `windowMs` of this one became. */
export async function findSingleTwin(db: Executor, part: PartRow, windowMs: number): Promise<string | null> {
  const r = await sql<{ inbox_message_id: string }>`select inbox_message_id from sms_inbound
    where connector_id = ${part.connector_id} and sender = ${part.sender} and recipient = ${part.recipient} and body = ${part.body}
      and concat_reference is null and processed_at is not null and inbox_message_id is not null and id <> ${part.id}
      and received_at between ${new Date(part.received_at.getTime() - windowMs)} and ${new Date(part.received_at.getTime() + windowMs)}
    order by id limit 1`.execute(db);
  return r.rows[0]?.inbox_message_id ?? null;
}

export async function markParts(db: Executor, ids: string[], inboxMessageId: string | null, at: Date): Promise<void> {
  if (ids.length === 0) return;
  await sql`update sms_inbound set processed_at = ${at}, inbox_message_id = ${inboxMessageId} where id = any(${ids}::bigint[])`.execute(db);
}

/** Filed parts older than `before`, a slice at a time so the table is never locked for long. */
export async function deleteProcessedParts(db: Executor, before: Date, limit: number): Promise<number> {
  const r = await sql`delete from sms_inbound where id in (
    select id from sms_inbound where processed_at is not null and processed_at < ${before} limit ${limit})`.execute(db);
  return Number(r.numAffectedRows ?? 0);
}
