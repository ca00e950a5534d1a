import { sql, type Executor } from '../../platform/db/index.js';

/** Parts of one hold that one charge run settles or refunds together. */
export interface ChargeGroup {
  hold_reference: string;
  charge: 'settled' | 'refunded';
  parts: number;
}

/**
 * Marks up to `limit` parts whose charge is due as charged, oldest first,
 * skipping parts another run holds; returns them counted per hold and kind.
 * A part is refunded when it never reached the centre (failed, cancelled,
 * expired unsent); what the centre took, or may have taken (unknown), is
 * settled. The list of states is the index message_parts_to_charge's.
 */
export async function takeUnchargedParts(db: Executor, limit: number): Promise<ChargeGroup[]> {
  const r = await sql<ChargeGroup>`
    with c as (
      update message_parts p set charge = case
          when p.status in ('failed', 'cancelled') or (p.status = 'expired' and p.submitted_at is null) then 'refunded'
          else 'settled' end
      where p.id in (
        select id from message_parts
        where charge is null and status in ('submitted', 'delivered', 'undelivered', 'unknown', 'failed', 'expired', 'cancelled')
        order by id limit ${limit}
        for update skip locked)
      returning p.message_id, p.charge)
    select m.hold_reference, c.charge, count(*)::int as parts from c join messages m on m.id = c.message_id
    group by m.hold_reference, c.charge`.execute(db);
  return r.rows;
}
