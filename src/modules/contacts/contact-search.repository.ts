import type { RawBuilder } from 'kysely';
import { sql, type Executor } from '../../platform/db/index.js';
import { COLUMNS, escapeLike, visibleTo, type ContactRow, type Viewer } from './contacts.repository.js';
import type { Position } from './cursor.js';
import type { AddressBook } from './types.js';

export interface ContactSearch {
  book: AddressBook | 'all';
  /** Folded text, matched anywhere in name, organisation, emails and tags. */
  q?: string;
  /** For a search typed as a number: the E.164 start it stands for, and its digits as typed (for the end of a number). */
  number?: { prefix: string | null; digits: string };
  tag?: string;
  after?: Position;
  limit: number;
}

export type FoundRow = ContactRow & { tier: number };

/** Rows read in name order before a search gives up on finding its page there. */
const ORDERED_SCAN_ROWS = 2_000;
/** Matches fetched and sorted by id at most; beyond, they are common enough to meet in name order. */
const COLLECT_MAX = 5_000;

/**
 * Contacts in name order. A search shows first those whose name, or number,
 * starts with what was typed (tier 0: what a person typing expects, and an
 * index range), then the other matches (tier 1): a name containing it, a
 * number ending with it. Each row says its tier, for the cursor.
 */
export async function searchContactRows(db: Executor, v: Viewer, s: ContactSearch): Promise<FoundRow[]> {
  const tag = s.tag ? sql`and tags @> array[${s.tag}]::text[]` : sql``;
  const after = (tier: number) => (s.after && (s.after.tier ?? 0) === tier ? sql`and (sort_name, id) > (${s.after.sortName}, ${s.after.id})` : sql``);
  if (s.number) {
    const { prefix, digits } = s.number;
    const starts = prefix ? numbersLike(v, sql`number like ${`${escapeLike(prefix)}%`}`) : null;
    const first = starts && (s.after?.tier ?? 0) === 0 ? await amongIds(db, v, s, starts, sql`${tag} ${after(0)}`, 0, s.limit) : [];
    if (first.length === s.limit) return first;
    const ends = numbersLike(v, sql`reversed like ${`${escapeLike([...digits].reverse().join(''))}%`}`);
    const notFirst = starts ? sql`and id not in (${starts})` : sql``;
    return [...first, ...(await amongIds(db, v, s, ends, sql`${notFirst} ${tag} ${after(1)}`, 1, s.limit - first.length))];
  }
  if (!s.q) {
    if (!s.tag) return (await sql<FoundRow>`select ${COLUMNS}, 0 as tier from contacts where ${visibleTo(v, s.book)} ${after(0)} order by sort_name, id limit ${s.limit}`.execute(db)).rows;
    return orderedOrCollected(db, v, s, tag, after(0), 0, s.limit);
  }
  const prefix = sql`sort_name like ${`${escapeLike(s.q)}%`}`;
  const first = (s.after?.tier ?? 0) === 0
    ? (await sql<FoundRow>`select ${COLUMNS}, 0 as tier from contacts where ${visibleTo(v, s.book)} and ${prefix} ${tag} ${after(0)} order by sort_name, id limit ${s.limit}`.execute(db)).rows
    : [];
  if (first.length === s.limit) return first;
  return [...first, ...(await orderedOrCollected(db, v, s, sql`and search like ${`%${escapeLike(s.q)}%`} and not ${prefix} ${tag}`, after(1), 1, s.limit - first.length))];
}

const numbersLike = (v: Viewer, condition: RawBuilder<unknown>) => sql`select contact_id from contact_numbers where account_id = ${v.accountId} and ${condition}`;

/** The page among the contacts `ids` selects: fetched by id and sorted when they are few, else met in name order. */
async function amongIds(db: Executor, v: Viewer, s: ContactSearch, ids: RawBuilder<unknown>, filters: RawBuilder<unknown>, tier: number, limit: number): Promise<FoundRow[]> {
  const found = (await sql<{ contact_id: string }>`${ids} limit ${COLLECT_MAX + 1}`.execute(db)).rows.map((r) => r.contact_id);
  const among = found.length <= COLLECT_MAX ? sql`id = any(${found}::text[])` : sql`id in (${ids})`;
  return (await sql<FoundRow>`select ${COLUMNS}, ${tier}::int as tier from contacts where ${visibleTo(v, s.book)} and ${among} ${filters}
    order by sort_name, id limit ${limit}`.execute(db)).rows;
}

/**
 * Two ways to one answer, because PostgreSQL cannot know where the matches
 * lie in name order: reading in order and filtering is instant when matches
 * are common, and hopeless when they sit at the end (96,000 rows read for
 * 50); collecting every match through an index and sorting is the reverse.
 * So read a bounded stretch in order first, and collect only when that does
 * not fill the page.
 */
async function orderedOrCollected(db: Executor, v: Viewer, s: ContactSearch, filters: RawBuilder<unknown>, after: RawBuilder<unknown>, tier: number, limit: number): Promise<FoundRow[]> {
  const ordered = await sql<FoundRow>`select ${COLUMNS}, ${tier}::int as tier from (
      select * from contacts where ${visibleTo(v, s.book)} ${after} order by sort_name, id limit ${ORDERED_SCAN_ROWS}
    ) c where true ${filters} order by sort_name, id limit ${limit}`.execute(db);
  if (ordered.rows.length === limit) return ordered.rows;
  return (await sql<FoundRow>`with matches as materialized (
      select id, sort_name from contacts where ${visibleTo(v, s.book)} ${after} ${filters}
    )
    select ${COLUMNS}, ${tier}::int as tier from contacts where id in (select id from matches order by sort_name, id limit ${limit})
    order by sort_name, id`.execute(db)).rows;
}
