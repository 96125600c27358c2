// `node pristine-cluster.cjs <@electric-sql/pglite entry> <directory>`: a new PGlite cluster
// (Postgres' initdb) in <directory>/cluster, and the same dumped by PGlite as <directory>/cluster.tar,
// for new embedded databases to start from (see embedded-cluster.ts). Run in a process of its own: the
// memory initdb touches goes back to the system when it exits.
const { existsSync, linkSync, mkdirSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const path = require('node:path');

/**
 * Puts what was made in `aside` (cluster.tar, cluster/) into `directory`, never over one already
 * there: a process reading it (an embedded database opening cluster.tar as a Blob) would find
 * another file under the name and fail (NotReadableError). A link fails if the name is taken; a
 * directory cannot be renamed over another one that has files. Another maker first: the same cluster.
 */
function placeMade(aside, directory) {
  for (const made of ['cluster.tar', 'cluster']) {
    try {
      if (made === 'cluster.tar') linkSync(path.join(aside, made), path.join(directory, made));
      else renameSync(path.join(aside, made), path.join(directory, made));
    } catch (error) {
      if (!existsSync(path.join(directory, made))) throw error;
    }
  }
  rmSync(aside, { recursive: true, force: true });
}

module.exports = { placeMade };

if (require.main === module) {
  const [entry, directory] = process.argv.slice(2);
  const { PGlite } = require(entry);

  (async () => {
    // Made aside, then renamed into place whole: other processes may be making or reading the same.
    const aside = path.join(directory, `making-${process.pid}`);
    mkdirSync(aside, { recursive: true });
    // WAL in 1 MB segments instead of 16, and only the database PGlite serves: the templates
    // (template1, template0) serve only CREATE DATABASE, which an embedded database never runs.
    // The cluster shrinks from 39 MB to 15 MB: every new database copies (on disk) or unpacks (in
    // memory, where it stays resident) that much less.
    const db = await PGlite.create(path.join(aside, 'cluster'), { initDbStartParams: ['--wal-segsize=1'] });
    // One statement at a time: several in one query are one transaction, and DROP DATABASE refuses to run in one.
    for (const statement of [
      "update pg_database set datistemplate = false where datname in ('template0', 'template1')",
      'drop database template0',
      'drop database template1',
      'checkpoint',
    ]) {
      await db.exec(statement);
    }
    const tar = await db.dumpDataDir('none');
    await db.close();
    writeFileSync(path.join(aside, 'cluster.tar'), Buffer.from(await tar.arrayBuffer()));
    placeMade(aside, directory);
  })();
}
