import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Database, Transaction } from './database';

/*
 * Set-based writes: any number of rows in one statement of constant text. The rows travel as
 * one JSON parameter, an array of arrays of values (no keys repeated), that Postgres reads back
 * element by element (`jsonb_array_elements`), each value cast to its column's type. A batch job
 * (a billing run) writes a thousand rows in the time a statement per row would take for one.
 */

type Executor = Database | Transaction;

/** A JSON value as Postgres reads it into a column: instants as ISO strings, the rest (jsonb objects too) as they are. */
const jsonValue = (value: unknown) => (value === undefined ? null : value instanceof Date ? value.toISOString() : value);

/** The value at `index` of a row's array, as `column`'s type. */
function valueAt(column: PgColumn, index: number): SQL {
  const type = column.getSQLType();
  const at = sql.raw(String(index));
  // A JSON null in a jsonb column is SQL's null, as everywhere else.
  if (type === 'jsonb') return sql`nullif("row"->${at}, 'null'::jsonb)`;
  if (type.endsWith('[]')) throw new TypeError(`set-based writes take no array columns (${column.name})`);
  return sql`("row"->>${at})::${sql.raw(type)}`;
}

/**
 * The rows of `table` in `rows` as a JSON parameter, the columns they set (the keys of the first
 * row), and each column's value read from a row: `select <values> from <source>`.
 */
function records<TTable extends PgTable>(table: TTable, rows: Partial<TTable['$inferInsert']>[]) {
  const all = getTableColumns(table) as Record<string, PgColumn>;
  const keys = Object.keys(rows[0]!).filter((key) => all[key] !== undefined);
  const columns = keys.map((key) => all[key]!);
  const json = JSON.stringify(rows.map((row) => keys.map((key) => jsonValue((row as Record<string, unknown>)[key]))));
  const values = columns.map((column, index) => valueAt(column, index));
  return { columns, values, source: sql`jsonb_array_elements(${json}::jsonb) as "row"` };
}

const names = (columns: PgColumn[]) => sql.join(columns.map((column) => sql.identifier(column.name)), sql`, `);

/** The rows a raw statement returned, whichever driver ran it. */
export function rowsOf<TRow>(result: unknown): TRow[] {
  return (Array.isArray(result) ? result : (result as { rows: TRow[] }).rows) as TRow[];
}

/**
 * Inserts `rows` (each with the same keys; a key left out gets null, not the column's default)
 * in one statement. With `onConflictDoNothing`, rows a unique key refuses are skipped, and the
 * ids of the rows written are returned (the table must have an `id`).
 */
export async function insertRows<TTable extends PgTable>(
  executor: Executor,
  table: TTable,
  rows: TTable['$inferInsert'][],
  options: { onConflictDoNothing?: boolean } = {},
): Promise<string[]> {
  if (!rows.length) return [];
  const { columns, values, source } = records(table, rows);
  const conflict = options.onConflictDoNothing ? sql` on conflict do nothing returning "id"` : sql``;
  const result = await executor.execute(sql`insert into ${table} (${names(columns)}) select ${sql.join(values, sql`, `)} from ${source}${conflict}`);
  return options.onConflictDoNothing ? rowsOf<{ id: string }>(result).map((row) => row.id) : [];
}

/**
 * Updates the rows of `table` matched by `key` (a column every row gives), setting the other
 * columns each row gives, in one statement: `update ... set ... from (the rows) where key = key`.
 */
export async function updateRows<TTable extends PgTable>(
  executor: Executor,
  table: TTable,
  key: keyof TTable['$inferSelect'] & string,
  rows: Partial<TTable['$inferSelect']>[],
): Promise<void> {
  if (!rows.length) return;
  const { columns, values, source } = records(table, rows as Partial<TTable['$inferInsert']>[]);
  const keyColumn = (getTableColumns(table) as Record<string, PgColumn>)[key]!;
  const given = sql.join(
    columns.map((column, index) => sql`${values[index]!} as ${sql.identifier(column.name)}`),
    sql`, `,
  );
  const set = sql.join(
    columns.filter((column) => column !== keyColumn).map((column) => sql`${sql.identifier(column.name)} = "given".${sql.identifier(column.name)}`),
    sql`, `,
  );
  const keyName = sql.identifier(keyColumn.name);
  await executor.execute(sql`update ${table} set ${set} from (select ${given} from ${source}) as "given" where ${table}.${keyName} = "given".${keyName}`);
}
