import { fileURLToPath } from 'node:url';
import type { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from './database';

// The subgraphs' real migrations, applied to embedded databases our way and drizzle's way.
const subgraphs = ['identity', 'electricity', 'heat', 'payments'].map((name) => ({
  name,
  folder: fileURLToPath(new URL(`../../../subgraphs/${name}/drizzle`, import.meta.url)),
}));
const clientOf = (handle: DatabaseHandle) => (handle.db as unknown as { $client: PGlite }).$client;
const drizzleMigrate = (handle: DatabaseHandle, name: string, folder: string) =>
  migrate(drizzle(clientOf(handle)), { migrationsFolder: folder, migrationsSchema: 'drizzle', migrationsTable: `migrations_${name}` });

/** Every column, index and constraint of the subgraphs' schemas, and drizzle's bookkeeping, as text. */
async function schemaOf(handle: DatabaseHandle): Promise<string[]> {
  const { rows } = await clientOf(handle).query<{ line: string }>(`
    select format('%s.%s.%s %s %s %s', table_schema, table_name, column_name, data_type, is_nullable, coalesce(column_default, '')) as line
      from information_schema.columns where table_schema not in ('pg_catalog', 'information_schema')
    union all select indexdef from pg_indexes where schemaname not in ('pg_catalog', 'information_schema')
    union all select format('%s %s', conname, pg_get_constraintdef(oid)) from pg_constraint where connamespace::regnamespace::text not in ('pg_catalog', 'information_schema')
    ${subgraphs.map(({ name }) => `union all select format('${name} %s %s', hash, created_at) from drizzle.migrations_${name}`).join('\n    ')}
    order by 1`);
  return rows.map((row) => row.line);
}

describe('migrations on the embedded database', () => {
  const opened: DatabaseHandle[] = [];
  const open = async () => {
    const handle = await openDatabase();
    opened.push(handle);
    return handle;
  };
  afterAll(async () => {
    for (const handle of opened) await handle.close();
  });

  it("leave the schema and drizzle's bookkeeping exactly as drizzle's migrator does", async () => {
    const ours = await open();
    const drizzles = await open();
    for (const { name, folder } of subgraphs) {
      await ours.migrate(name, folder);
      await drizzleMigrate(drizzles, name, folder);
    }
    const schema = await schemaOf(ours);
    expect(schema.length).toBeGreaterThan(300);
    expect(schema).toEqual(await schemaOf(drizzles));

    // drizzle's migrator finds nothing left to apply after ours (it would fail re-creating a table), and ours nothing after either.
    for (const { name, folder } of subgraphs) {
      await drizzleMigrate(ours, name, folder);
      await ours.migrate(name, folder);
      await drizzles.migrate(name, folder);
    }
    expect(await schemaOf(ours)).toEqual(schema);
    expect(await schemaOf(drizzles)).toEqual(schema);
  }, 60_000);
});
