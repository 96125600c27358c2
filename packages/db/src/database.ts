import { and, eq, lt, or, sql, type AnyColumn, type SQL, type SQLWrapper } from 'drizzle-orm';
import type { Logger as DrizzleLogger } from 'drizzle-orm/logger';
import type { PgColumn, PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { openPglite } from './embedded-cluster';
import { migrateEmbedded, migrationsSchema, migrationsTableOf, type SubgraphMigrations } from './embedded-migrations';

/** Either driver, typed the way drizzle's shared pg-core code expects. */
export type Database = PgDatabase<PgQueryResultHKT>;
/** What `db.transaction(...)` hands to its callback. */
export type Transaction = Parameters<Parameters<Database['transaction']>[0]>[0];

export interface DatabaseHandle {
  db: Database;
  driver: 'pglite' | 'postgres';
  /** Statements sent since the handle was opened: lets tests and benchmarks see N+1 queries. */
  stats: { statements: number };
  ping(): Promise<void>;
  /** Applies one subgraph's drizzle-kit migrations into its own Postgres schema. */
  migrate(subgraph: string, migrationsFolder: string): Promise<void>;
  /**
   * The same connection(s) with a statement counter of their own: each subgraph of the
   * one-process stack counts its own statements, whatever the others (a relay polling) do.
   * Closing the view closes nothing.
   */
  view(): DatabaseHandle;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** postgres:// URL; without one, an embedded PGlite database is used. */
  url?: string | undefined;
  /** PGlite data directory; `memory://` (the default) keeps it in memory. */
  pgliteDir?: string;
  poolSize?: number;
  /**
   * The migrations the caller will run: a new embedded database starts with them applied,
   * copied from a cluster cached with them (see embedded-cluster.ts). Ignored on PostgreSQL.
   */
  migrated?: readonly SubgraphMigrations[];
}

function countingLogger(stats: { statements: number }): DrizzleLogger {
  return {
    logQuery() {
      stats.statements += 1;
    },
  };
}

/** A handle's `view()`: its own drizzle instance and counter over the same client. */
function viewOf(handle: DatabaseHandle, newDb: (logger: DrizzleLogger) => Database): DatabaseHandle {
  const stats = { statements: 0 };
  const view: DatabaseHandle = { ...handle, db: newDb(countingLogger(stats)), stats, view: () => viewOf(view, newDb), close: async () => {} };
  return view;
}

export async function openDatabase(options: DatabaseOptions = {}): Promise<DatabaseHandle> {
  const stats = { statements: 0 };
  const logger = countingLogger(stats);

  if (options.url) {
    const url = options.url;
    const client = postgres(url, { max: options.poolSize ?? 10, onnotice: () => {} });
    const newDb = (counting: DrizzleLogger) => drizzlePostgres(client, { logger: counting }) as unknown as Database;
    const handle: DatabaseHandle = {
      db: newDb(logger),
      driver: 'postgres',
      stats,
      view: () => viewOf(handle, newDb),
      ping: async () => {
        await client`select 1`;
      },
      migrate: async (subgraph, migrationsFolder) => {
        // Migrations run on their own single connection, under an advisory lock so that
        // replicas starting together do not apply the same migration twice.
        const migrator = postgres(url, { max: 1, onnotice: () => {} });
        try {
          await migrator`select pg_advisory_lock(hashtext(${`kabinet:migrate:${subgraph}`}))`;
          await migratePostgres(drizzlePostgres(migrator), {
            migrationsFolder,
            migrationsSchema,
            migrationsTable: migrationsTableOf(subgraph),
          });
        } finally {
          await migrator.end();
        }
      },
      close: () => client.end({ timeout: 5 }),
    };
    return handle;
  }

  const client = await openPglite(options.pgliteDir ?? 'memory://', options.migrated);
  const newDb = (counting: DrizzleLogger) => drizzlePglite(client, { logger: counting }) as unknown as Database;
  const handle: DatabaseHandle = {
    db: newDb(logger),
    driver: 'pglite',
    stats,
    view: () => viewOf(handle, newDb),
    ping: async () => {
      await client.query('select 1');
    },
    migrate: (subgraph, migrationsFolder) => migrateEmbedded(client, { subgraph, migrationsFolder }),
    close: () => client.close(),
  };
  return handle;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids that are not UUIDs can match nothing, and Postgres would reject them in a uuid comparison. */
export const isUuid = (value: string) => uuidPattern.test(value);
export const validIds = (ids: readonly string[]) => ids.filter(isUuid);

/** `true` when `error` is Postgres' unique-violation (23505), on either driver. */
export function isUniqueViolation(error: unknown): boolean {
  for (let current: unknown = error; current; current = (current as { cause?: unknown }).cause) {
    if ((current as { code?: unknown }).code === '23505') return true;
  }
  return false;
}

export { sql };

/**
 * A statement built and prepared once for each database handle (or transaction) that runs it:
 * drizzle builds a query's SQL anew every time a query builder runs, which costs a hot path more
 * CPU than the database spends running the statement.
 */
export function preparedPer<TStatement>(build: (executor: Database | Transaction) => TStatement): (executor: Database | Transaction) => TStatement {
  const statements = new WeakMap<Database | Transaction, TStatement>();
  return (executor) => {
    let statement = statements.get(executor);
    if (!statement) statements.set(executor, (statement = build(executor)));
    return statement;
  };
}

/**
 * `column = any($values)`: a list as one array parameter, so the statement's text is the same for
 * any number of keys, unlike `in ($1, $2, ...)` (prepared once, planned once). `values` is the list
 * itself (sent as an array of the column's type) or the `sql.placeholder` of a prepared statement.
 */
export function anyOf(column: PgColumn, values: readonly unknown[] | SQLWrapper): SQL {
  return Array.isArray(values) ? sql`${column} = any(${sql.param(values)}::${sql.raw(column.getSQLType())}[])` : sql`${column} = any(${values as SQLWrapper})`;
}

/**
 * Where a keyset page ends: the sort value of the last item (an instant or a plain string
 * such as a date) and its id as the tie-breaker.
 */
export interface Position {
  at: Date | string;
  id: string;
}

/** Groups rows by a key, in the order of `keys` (a DataLoader's batch, say); a key without rows gets []. */
export function groupBy<TRow>(keys: readonly string[], rows: TRow[], keyOf: (row: TRow) => string): TRow[][] {
  const groups = new Map<string, TRow[]>(keys.map((key) => [key, []]));
  for (const row of rows) groups.get(keyOf(row))?.push(row);
  return keys.map((key) => groups.get(key)!);
}

/** The row of each key, in the order of `keys`; null for a key without one. */
export function byKey<TRow>(keys: readonly string[], rows: TRow[], keyOf: (row: TRow) => string): (TRow | null)[] {
  const found = new Map(rows.map((row) => [keyOf(row), row]));
  return keys.map((key) => found.get(key) ?? null);
}

/**
 * Keyset condition for a list sorted by `sortColumn` then `idColumn`, both descending: rows
 * strictly after the position `after` (the last row of the previous page).
 */
export function afterPosition(sortColumn: AnyColumn, idColumn: AnyColumn, after: Position | null): SQL | undefined {
  if (!after) return undefined;
  return or(lt(sortColumn, after.at), and(eq(sortColumn, after.at), lt(idColumn, after.id)));
}
