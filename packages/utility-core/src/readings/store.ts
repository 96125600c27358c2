import { newRowId, type Database } from '@kabinet/db';
import { sql, type Placeholder } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { ReadingRow, UtilityTables } from '../tables';

/** One zone's reading as a submission stores it. */
export interface NewReading {
  meterId: string;
  zone: string;
  /** The first day of the month it closes. */
  period: string;
  /** Three decimals, as text. */
  value: string;
  readAt: Date;
  source: string;
  submittedByUserId: string | null;
}

const fields = ['meterId', 'zone', 'period', 'value', 'readAt', 'source', 'submittedByUserId'] as const;

/** The value an upsert was given for `column` (Postgres' `excluded` row). */
const excluded = (column: AnyPgColumn) => sql.raw(`excluded."${column.name}"`);

/** Submissions hold a zone or three; longer ones (no meter has more zones) are built each time. */
const mostRowsPrepared = 8;

/**
 * Stores a submission's readings in one statement, prepared once per number of rows: at the end of
 * a month, building the upsert cost the subgraph more CPU than PostgreSQL spent running it.
 *
 * A reading sent again as it is stored (a client retrying a submission it saw no answer to) stays
 * the one reading it was, read when it was first sent; a different value replaces the earlier
 * reading of the window.
 */
export function readingsWriter(db: Database, t: UtilityTables) {
  const readings = t.readings;
  const build = (rows: number) =>
    db
      .insert(readings)
      .values(
        Array.from({ length: rows }, (_, row) => ({
          // A new reading's id, time-ordered (`newRowId`); one replacing a stored reading keeps the stored one's.
          id: sql.placeholder(`id${row}`),
          ...(Object.fromEntries(fields.map((field) => [field, sql.placeholder(`${field}${row}`)])) as Record<(typeof fields)[number], Placeholder>),
        })),
      )
      .onConflictDoUpdate({
        target: [readings.meterId, readings.zone, readings.period],
        set: {
          value: excluded(readings.value),
          source: excluded(readings.source),
          submittedByUserId: excluded(readings.submittedByUserId),
          readAt: sql`case when (${readings.value}, ${readings.source}, ${readings.submittedByUserId}) is not distinct from (${excluded(readings.value)}, ${excluded(readings.source)}, ${excluded(readings.submittedByUserId)})
            then ${readings.readAt} else ${excluded(readings.readAt)} end`,
        },
      })
      .returning()
      .prepare(`store_readings_${rows}`);
  const prepared = new Map<number, ReturnType<typeof build>>();

  return async (rows: NewReading[]): Promise<ReadingRow[]> => {
    let statement = prepared.get(rows.length);
    if (!statement) {
      statement = build(rows.length);
      if (rows.length <= mostRowsPrepared) prepared.set(rows.length, statement);
    }
    const values: Record<string, unknown> = {};
    rows.forEach((row, index) => {
      values[`id${index}`] = newRowId();
      for (const field of fields) values[`${field}${index}`] = row[field];
    });
    return statement.execute(values);
  };
}
