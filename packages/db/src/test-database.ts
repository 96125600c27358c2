import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, type DatabaseHandle } from './database';
import type { SubgraphMigrations } from './embedded-migrations';

/**
 * An isolated, empty database for one test file: a fresh in-memory PGlite, or, when
 * DATABASE_URL is set, a new database created on that server and dropped on close. A PGlite one
 * starts with `migrated` applied (see `DatabaseOptions`); the test still runs them.
 */
export async function openTestDatabase(options: { migrated?: readonly SubgraphMigrations[] } = {}): Promise<DatabaseHandle> {
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) return openDatabase({ migrated: options.migrated });

  const name = `kabinet_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database "${name}"`);
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  const handle = await openDatabase({ url: url.toString(), poolSize: 5 });
  return {
    ...handle,
    // A view of this handle must not close it: only the test's own close drops the database.
    close: async () => {
      await handle.close();
      await admin.unsafe(`drop database if exists "${name}" with (force)`);
      await admin.end();
    },
  };
}
