import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, openAsBlob, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { migrateEmbedded, type SubgraphMigrations } from './embedded-migrations';

/**
 * PGlite's Postgres with a 16 MB buffer pool instead of 128 MB: Postgres writes its whole pool
 * at start, so the default alone costs 120 MB of memory, and our databases (the demo data, a
 * test's rows) are a few megabytes.
 */
const pgliteStartParams = [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'];

const require = createRequire(import.meta.url);
const pgliteEntry = require.resolve('@electric-sql/pglite');

/** Names how pristine-cluster.cjs makes its cluster: a change there makes a new one beside the old. */
const clusterLayout = 'slim-1';

interface Cluster {
  /** For databases on disk: copied. */
  directory: string;
  /** PGlite's dump (`dumpDataDir`) of the same, for databases in memory (`loadDataDir`). */
  tar: string;
}

const pgliteVersion = () =>
  (JSON.parse(readFileSync(path.join(path.dirname(pgliteEntry), '..', 'package.json'), 'utf8')) as { version: string }).version;

const cacheOf = (name: string) => fileURLToPath(new URL(`../node_modules/.cache/kabinet/${name}`, import.meta.url));

const clusterIn = (cache: string): Cluster => ({ directory: path.join(cache, 'cluster'), tar: path.join(cache, 'cluster.tar') });
const isMade = (cluster: Cluster) => existsSync(cluster.directory) && existsSync(cluster.tar);

/**
 * A new cluster as Postgres' initdb makes it, for every new embedded database to start from:
 * initdb takes seconds of CPU and, in this process, would keep some 400 MB of memory taken for
 * good; copying its result takes a fraction of a second. Made once per PGlite version, in a child
 * process, and kept under node_modules/.cache.
 */
async function pristineCluster(): Promise<Cluster> {
  const cache = cacheOf(`pglite-${pgliteVersion()}-${clusterLayout}`);
  const made = clusterIn(cache);
  if (!isMade(made)) {
    try {
      await promisify(execFile)(process.execPath, [fileURLToPath(new URL('./pristine-cluster.cjs', import.meta.url)), pgliteEntry, cache]);
    } catch (error) {
      const failed = error as Error & { stderr?: string };
      throw new Error(`could not create an embedded database: ${failed.stderr || failed.message}`, { cause: error });
    }
  }
  return made;
}

const making = new Map<string, Promise<void>>();

/**
 * The pristine cluster with these subgraphs' migrations applied, made once per set of
 * migrations (a changed or added migration makes another): every database the stack or a test
 * opens applies the same few hundred DDL statements, which take the WASM Postgres half a second
 * to a second, and copying their result takes nothing more than copying the pristine cluster.
 * The subgraphs still run their migrations on the database: they find them applied, by the same
 * bookkeeping.
 */
async function migratedCluster(sets: readonly SubgraphMigrations[]): Promise<Cluster> {
  const migrations = sets.map(({ subgraph, migrationsFolder }) => ({
    subgraph,
    files: readMigrationFiles({ migrationsFolder }).map(({ hash, folderMillis }) => ({ hash, folderMillis })),
  }));
  const key = createHash('sha256').update(JSON.stringify(migrations)).digest('hex').slice(0, 16);
  const cache = cacheOf(`pglite-${pgliteVersion()}-${clusterLayout}-migrated-${key}`);
  const made = clusterIn(cache);
  if (isMade(made)) return made;
  // One maker per process; other processes may be making the same and put theirs first.
  let pending = making.get(cache);
  if (!pending) {
    pending = makeMigratedCluster(sets, cache).finally(() => making.delete(cache));
    making.set(cache, pending);
  }
  await pending;
  return made;
}

async function makeMigratedCluster(sets: readonly SubgraphMigrations[], cache: string): Promise<void> {
  const pristine = await pristineCluster();
  // Made aside, then put in place whole: other processes may be making or reading the same.
  const aside = path.join(cache, `making-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    mkdirSync(aside, { recursive: true });
    cpSync(pristine.directory, path.join(aside, 'cluster'), { recursive: true });
    const db = await PGlite.create(path.join(aside, 'cluster'), { startParams: pgliteStartParams });
    try {
      for (const set of sets) await migrateEmbedded(db, set);
      await db.exec('checkpoint');
      writeFileSync(path.join(aside, 'cluster.tar'), Buffer.from(await (await db.dumpDataDir('none')).arrayBuffer()));
    } finally {
      await db.close();
    }
    const { placeMade } = require('./pristine-cluster.cjs') as { placeMade(aside: string, directory: string): void };
    placeMade(aside, cache);
  } finally {
    rmSync(aside, { recursive: true, force: true });
  }
}

// Node's global; TypeScript's ES libraries declare only its types.
const webAssembly = (globalThis as unknown as { WebAssembly: { compile(bytes: Uint8Array): Promise<WebAssembly.Module> } }).WebAssembly;

let compiledPostgres: Promise<WebAssembly.Module> | undefined;

/**
 * Postgres compiled to WebAssembly, compiled once per process. Started before a database is
 * copied into place, V8 compiles its 9 MB on its own threads while this one copies (PGlite would
 * only begin once the copy is done), a few hundred milliseconds of a fresh `pnpm start`.
 */
const compilePostgres = () =>
  // Read at once (a few milliseconds): read in chunks, it would wait for the copy to end.
  (compiledPostgres ??= webAssembly.compile(readFileSync(path.join(path.dirname(pgliteEntry), 'pglite.wasm'))));

/**
 * An embedded database in `dir` (`memory://` for one in memory). A new one starts from the
 * pristine cluster, or from one with `migrated` applied when given.
 */
export async function openPglite(dir: string, migrated: readonly SubgraphMigrations[] = []): Promise<PGlite> {
  const postgres = compilePostgres();
  const startFrom = () => (migrated.length ? migratedCluster(migrated) : pristineCluster());
  const options = async () => ({ startParams: pgliteStartParams, pgliteWasmModule: await postgres });
  if (dir.startsWith('memory://')) {
    return PGlite.create(dir, { ...(await options()), loadDataDir: await openAsBlob((await startFrom()).tar) });
  }
  if (!existsSync(path.join(dir, 'PG_VERSION'))) {
    mkdirSync(path.dirname(dir), { recursive: true });
    cpSync((await startFrom()).directory, dir, { recursive: true });
  }
  return PGlite.create(dir, await options());
}
