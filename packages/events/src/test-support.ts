import type { Logger } from '@kabinet/config';
import { createLogger } from '@kabinet/config';
import { sql, type DatabaseHandle } from '@kabinet/db';
import { listen, type RunningService } from '@kabinet/http';
import { is, SQL } from 'drizzle-orm';
import { getTableConfig, PgDialect, type PgTable } from 'drizzle-orm/pg-core';
import express from 'express';

const dialect = new PgDialect();
const quote = (name: string) => `"${name.replaceAll('"', '""')}"`;

function defaultOf(value: unknown): string {
  if (is(value, SQL)) return dialect.sqlToQuery(value).sql;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  throw new Error(`test DDL cannot render default ${String(value)}`);
}

/**
 * CREATE statements derived from a drizzle table, so tests run on exactly what
 * `defineOutboxTable`/`defineInboxTable` declare (the subgraphs' migrations come from
 * drizzle-kit, which is not a dependency here). Covers only what those tables use.
 */
export function createTableStatements(table: PgTable): string[] {
  const config = getTableConfig(table);
  if (config.foreignKeys.length || config.primaryKeys.length || config.uniqueConstraints.length || config.checks.length) {
    throw new Error(`test DDL does not render the constraints of ${config.name}`);
  }
  const qualified = `${quote(config.schema ?? 'public')}.${quote(config.name)}`;
  const columns = config.columns.map((column) =>
    [
      quote(column.name),
      column.getSQLType(),
      column.primary ? 'primary key' : '',
      column.notNull ? 'not null' : '',
      column.default !== undefined ? `default ${defaultOf(column.default)}` : '',
      column.isUnique ? 'unique' : '',
    ]
      .filter(Boolean)
      .join(' '),
  );
  const indexes = config.indexes.map(({ config: index }) => {
    const on = index.columns.map((column) => quote((column as { name: string }).name)).join(', ');
    const where = index.where ? ` where ${dialect.sqlToQuery(index.where).sql}` : '';
    return `create ${index.unique ? 'unique ' : ''}index ${quote(index.name!)} on ${qualified} (${on})${where}`;
  });
  return [`create table ${qualified} (${columns.join(', ')})`, ...indexes];
}

export async function createTables(database: DatabaseHandle, schemas: string[], tables: PgTable[]): Promise<void> {
  for (const schema of schemas) await database.db.execute(sql.raw(`create schema ${quote(schema)}`));
  for (const statement of tables.flatMap(createTableStatements)) await database.db.execute(sql.raw(statement));
}

export const silentLogger = (): Logger => createLogger('silent');

/** An express app on an ephemeral port, with `mount` deciding its routes. */
export async function serve(mount: (app: express.Express) => void): Promise<RunningService> {
  const app = express();
  mount(app);
  const { httpServer, port } = await listen(app, 0, '127.0.0.1');
  return {
    name: 'consumer',
    port,
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        httpServer.close((error) => (error ? reject(error) : resolve()));
        httpServer.closeAllConnections();
      }),
  };
}
