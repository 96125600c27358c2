import { execFile } from 'node:child_process';
import { mkdtempSync, openAsBlob, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('./pristine-cluster.cjs', import.meta.url));
const pgliteEntry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
const cache = mkdtempSync(path.join(tmpdir(), 'kabinet-pristine-'));
const make = () => promisify(execFile)(process.execPath, [script, pgliteEntry, cache]);

describe('the pristine cluster', { timeout: 120_000 }, () => {
  afterAll(() => rmSync(cache, { recursive: true, force: true }));

  it('is never replaced once made: a database reading cluster.tar would find another file (NotReadableError)', async () => {
    await make();
    // As an embedded database opens it (database.ts), before other makers finish.
    const opened = await openAsBlob(path.join(cache, 'cluster.tar'));
    // Two more makers, as when the test workers of a fresh clone start together.
    await Promise.all([make(), make()]);
    expect((await opened.arrayBuffer()).byteLength).toBe(opened.size);
    expect(statSync(path.join(cache, 'cluster', 'PG_VERSION')).isFile()).toBe(true);
  });

  it('holds only the database PGlite serves, with 1 MB WAL segments: what every new database copies or unpacks', async () => {
    const db = await PGlite.create('memory://', { loadDataDir: await openAsBlob(path.join(cache, 'cluster.tar')) });
    try {
      expect((await db.query('select datname from pg_database')).rows).toEqual([{ datname: 'postgres' }]);
      expect((await db.query('show wal_segment_size')).rows).toEqual([{ wal_segment_size: '1MB' }]);
    } finally {
      await db.close();
    }
    expect(statSync(path.join(cache, 'cluster.tar')).size).toBeLessThan(20 * 1024 * 1024);
  });
});
