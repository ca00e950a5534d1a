import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { columnNames, rowsSelect, sql, type Column } from '../src/platform/db/index.js';
import { createTestDatabase, type TestDatabase } from './helpers/test-db.js';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
  await sql`create table rows_probe (id text, body text, n smallint, data bytea, at timestamptz)`.execute(database.db);
});
afterAll(() => database.drop());

interface Row { id: string; body: string | null; n: number; data: Buffer | null; at: string }
const COLUMNS: readonly Column<Row>[] = [['id', 'text', (r) => r.id], ['body', 'text', (r) => r.body], ['n', 'smallint', (r) => r.n], ['data', 'bytea', (r) => r.data], ['at', 'timestamptz', (r) => r.at]];

async function roundTrip(rows: Row[]) {
  await sql`delete from rows_probe`.execute(database.db);
  await sql`insert into rows_probe (${columnNames(COLUMNS)}) ${rowsSelect(rows, COLUMNS)}`.execute(database.db);
  const r = await sql<{ id: string; body: string | null; n: number; data: Buffer | null; at: Date }>`select * from rows_probe order by id`.execute(database.db);
  return r.rows.map((x) => ({ ...x, at: x.at.toISOString() }));
}

describe('rowsSelect', () => {
  it('writes every row as given, whether a column repeats one value (bound once) or varies', async () => {
    const at = '2026-11-22T10:00:00.000Z';
    // Same body, n, time and bytes in every row; the bytes are equal but not the same Buffer.
    const same = Array.from({ length: 3 }, (_, i) => ({ id: `r${i}`, body: 'hello', n: 1, data: Buffer.from([1, 2]), at }));
    expect(await roundTrip(same)).toEqual(same);
    const mixed: Row[] = [
      { id: 'a', body: null, n: 1, data: null, at },
      { id: 'b', body: 'x', n: 2, data: Buffer.from([0]), at: '2026-11-23T10:00:00.000Z' },
      { id: 'c', body: null, n: 1, data: Buffer.from([]), at },
    ];
    expect(await roundTrip(mixed)).toEqual(mixed);
    const one = [{ id: 'only', body: 'alone', n: 7, data: null, at }];
    expect(await roundTrip(one)).toEqual(one);
  });
});
