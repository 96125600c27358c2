import type { PGlite } from '@electric-sql/pglite';
import { readMigrationFiles } from 'drizzle-orm/migrator';

/** A subgraph's drizzle-kit migrations: applied into its own Postgres schema. */
export interface SubgraphMigrations {
  subgraph: string;
  migrationsFolder: string;
}

// Migration bookkeeping lives in its own schema, on either driver: a subgraph's first migration
// creates the subgraph's schema itself.
export const migrationsSchema = 'drizzle';
export const migrationsTableOf = (subgraph: string) => `migrations_${subgraph}`;

/**
 * drizzle-kit's migrations applied to an embedded database with drizzle's own bookkeeping (the
 * same table, hash and `created_at`, so drizzle's migrator agrees on what is applied), but each
 * migration sent as one simple query instead of a round trip per statement: on PGlite the four
 * subgraphs' few hundred statements took a second of every first start, and take a fifth of that
 * so. All pending migrations commit together, or none does, as with drizzle's migrator.
 */
export async function migrateEmbedded(client: PGlite, { subgraph, migrationsFolder }: SubgraphMigrations): Promise<void> {
  const migrations = readMigrationFiles({ migrationsFolder });
  const bookkeeping = `${quoted(migrationsSchema)}.${quoted(migrationsTableOf(subgraph))}`;
  await client.exec(`CREATE SCHEMA IF NOT EXISTS ${quoted(migrationsSchema)};
    CREATE TABLE IF NOT EXISTS ${bookkeeping} (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)`);
  const { rows } = await client.query<{ created_at: string | number }>(`select created_at from ${bookkeeping} order by created_at desc limit 1`);
  const appliedUntil = rows[0] ? Number(rows[0].created_at) : null;
  const pending = migrations.filter((migration) => appliedUntil === null || appliedUntil < migration.folderMillis);
  if (!pending.length) return;
  await client.transaction(async (tx) => {
    for (const migration of pending) {
      // A statement drizzle-kit split off may lack its semicolon; an empty statement between two is harmless.
      await tx.exec(migration.sql.join(';\n'));
      await tx.query(`insert into ${bookkeeping} ("hash", "created_at") values ($1, $2)`, [migration.hash, migration.folderMillis]);
    }
  });
}

const quoted = (name: string) => `"${name.replace(/"/g, '""')}"`;
