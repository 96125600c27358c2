import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type DatabaseHandle } from './database';
import { rowsOf } from './sets';

// A subgraph's migrations as drizzle-kit writes them: SQL files and the journal naming them.
const folder = mkdtempSync(path.join(tmpdir(), 'kabinet-migrations-'));
const dataDirs: string[] = [];
function writeMigrations(statements: string[]) {
  mkdirSync(path.join(folder, 'meta'), { recursive: true });
  const entries = statements.map((statement, idx) => {
    const tag = `000${idx}_step`;
    writeFileSync(path.join(folder, `${tag}.sql`), statement);
    return { idx, version: '7', when: 1_800_000_000_000 + idx, tag, breakpoints: true };
  });
  writeFileSync(path.join(folder, 'meta', '_journal.json'), JSON.stringify({ version: '7', dialect: 'postgresql', entries }));
}

const migrated = [{ subgraph: 'cluster_test', migrationsFolder: folder }];
const tablesOf = async (database: DatabaseHandle) =>
  rowsOf<{ table_name: string }>(
    await database.db.execute("select table_name from information_schema.tables where table_schema = 'cluster_test' order by table_name"),
  ).map((row) => row.table_name);

describe('a new embedded database opened with its migrations', { timeout: 120_000 }, () => {
  afterAll(() => {
    for (const dir of [folder, ...dataDirs]) rmSync(dir, { recursive: true, force: true });
  });

  for (const where of ['memory', 'disk'] as const) {
    it(`starts with them applied, by the bookkeeping its migrate() reads (${where}), and one more migration gives another start`, async () => {
      const open = () => {
        if (where === 'memory') return openDatabase({ migrated });
        dataDirs.push(mkdtempSync(path.join(tmpdir(), 'kabinet-db-')));
        return openDatabase({ migrated, pgliteDir: path.join(dataDirs.at(-1)!, 'pglite') });
      };
      writeMigrations(['create schema cluster_test; create table cluster_test.first (id int primary key);']);
      const first = await open();
      try {
        expect(await tablesOf(first)).toEqual(['first']);
        // Applied already: migrate() finds nothing to do, and no statement fails on a table that exists.
        await first.migrate('cluster_test', folder);
        expect(rowsOf(await first.db.execute('select count(*)::int as count from drizzle.migrations_cluster_test'))).toEqual([{ count: 1 }]);
      } finally {
        await first.close();
      }

      writeMigrations(['create schema cluster_test; create table cluster_test.first (id int primary key);', 'create table cluster_test.second (id int);']);
      const second = await open();
      try {
        expect(await tablesOf(second)).toEqual(['first', 'second']);
      } finally {
        await second.close();
      }
    });
  }
});
