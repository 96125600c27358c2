// `node pristine-cluster.cjs <@electric-sql/pglite entry> <directory>`: a new PGlite cluster
// (Postgres' initdb) in <directory>/cluster, and the same dumped by PGlite as <directory>/cluster.tar,
// for new embedded databases to start from (see database.ts). Run in a process of its own: the
// memory initdb touches goes back to the system when it exits.
const { existsSync, linkSync, mkdirSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const [entry, directory] = process.argv.slice(2);
const { PGlite } = require(entry);

(async () => {
  // Made aside, then renamed into place whole: other processes may be making or reading the same.
  const aside = path.join(directory, `making-${process.pid}`);
  mkdirSync(aside, { recursive: true });
  const db = await PGlite.create(path.join(aside, 'cluster'));
  const tar = await db.dumpDataDir('none');
  await db.close();
  writeFileSync(path.join(aside, 'cluster.tar'), Buffer.from(await tar.arrayBuffer()));
  for (const made of ['cluster.tar', 'cluster']) {
    try {
      // Never over one already there: a process reading it (an embedded database opening
      // cluster.tar as a Blob) would find another file under the name and fail
      // (NotReadableError). A link fails if the name is taken; a directory cannot be renamed
      // over another one that has files.
      if (made === 'cluster.tar') linkSync(path.join(aside, made), path.join(directory, made));
      else renameSync(path.join(aside, made), path.join(directory, made));
    } catch (error) {
      // Another process put its own in place first: the same cluster.
      if (!existsSync(path.join(directory, made))) throw error;
    }
  }
  rmSync(aside, { recursive: true, force: true });
})();
