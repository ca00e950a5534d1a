import { sql, type RawBuilder } from 'kysely';

/** A column of rows to insert: its name, its PostgreSQL type and its value in a row (as bound). */
export type Column<R> = readonly [name: string, type: string, value: (row: R) => unknown];

const same = (a: unknown, b: unknown) => a === b || (Buffer.isBuffer(a) && Buffer.isBuffer(b) && a.equals(b));

/**
 * `select … from unnest(…)` giving `rows` as a table, for `insert into t (…) ${rowsSelect(…)}`.
 * Each column is bound once as an array; a column with the same value in every row is
 * bound once as that value. The rows of one send share most of their columns (text,
 * sender, times), and PostgreSQL parsing those arrays was a good part of writing a
 * 100,000-recipient send. The first column is always an array: it gives the row count.
 */
export function rowsSelect<R>(rows: R[], columns: readonly Column<R>[]): RawBuilder<unknown> {
  const unnested: RawBuilder<unknown>[] = [];
  const names: RawBuilder<unknown>[] = [];
  const select = columns.map(([name, type, value], i) => {
    const values = rows.map(value);
    if (i > 0 && values.every((v) => same(v, values[0]))) return sql`${values[0]}::${sql.raw(type)}`;
    unnested.push(sql`${values}::${sql.raw(type)}[]`);
    names.push(sql.ref(name));
    return sql.ref(`u.${name}`);
  });
  return sql`select ${sql.join(select)} from unnest(${sql.join(unnested)}) as u(${sql.join(names)})`;
}

/** The column list of `columns`, for the `insert into t (…)` part. */
export function columnNames<R>(columns: readonly Column<R>[]): RawBuilder<unknown> {
  return sql.join(columns.map(([name]) => sql.ref(name)));
}
