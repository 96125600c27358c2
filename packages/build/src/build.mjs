// Plain JavaScript on purpose: `pnpm start` and `pnpm build` run this with bare `node`, before
// anything could compile TypeScript. Types for TypeScript callers: build.d.mts.
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');

/**
 * What production runs, by workspace package: each entry (a source file of the package) is built
 * to `<dir>/dist/<name>.js`. docker-compose.yml, the Dockerfile and the packages' `start`
 * scripts run these outputs (packages/stack/src/docker-compose.test.ts checks the compose file).
 */
export const deployables = [
  { name: '@kabinet/gateway', dir: 'gateway', entries: { main: 'src/main.ts' } },
  { name: '@kabinet/identity', dir: 'subgraphs/identity', entries: { main: 'src/main.ts', 'register-client': 'src/oauth/register-client.ts' } },
  { name: '@kabinet/electricity', dir: 'subgraphs/electricity', entries: { main: 'src/main.ts', 'billing-cli': 'src/billing-cli.ts' } },
  { name: '@kabinet/heat', dir: 'subgraphs/heat', entries: { main: 'src/main.ts', 'billing-cli': 'src/billing-cli.ts' } },
  { name: '@kabinet/payments', dir: 'subgraphs/payments', entries: { main: 'src/main.ts' } },
  // `pnpm start`: everything in one process on the embedded database, its npm packages bundled too.
  { name: '@kabinet/stack', dir: 'packages/stack', entries: { main: 'src/main.ts' }, bundlesPackages: true },
];

/**
 * npm packages a bundle with `bundlesPackages` still imports from node_modules: those that load
 * files beside their own modules (a native addon, PGlite's WASM and data, pdfkit's fonts, pino's
 * transport workers), and those imported only on first use (their cost is why they are lazy).
 */
const packagesLeftInNodeModules = new Set(['@node-rs/argon2', '@electric-sql/pglite', 'pdfkit', 'pino', 'oidc-provider', 'ioredis', '@keyv/redis']);

/** Where an entry's build goes, relative to the repository root. */
export function outputOf(deployable, entry) {
  return path.posix.join(deployable.dir, 'dist', `${entry}.js`);
}

export function deployableNamed(name) {
  const deployable = deployables.find((candidate) => candidate.name === name);
  if (!deployable) throw new Error(`no deployable ${name}: one of ${deployables.map((candidate) => candidate.name).join(', ')}`);
  return deployable;
}

export class BuildError extends Error {
  constructor(problems) {
    super(`The build failed:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.problems = problems;
  }
}

/** `@scope/name/sub/path` → `@scope/name`; `name/sub` → `name`. */
function packageNameOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/** The directory of the workspace package a source file belongs to (its nearest package.json). */
function packageDirOf(file) {
  let dir = path.dirname(file);
  while (!existsSync(path.join(dir, 'package.json')) && dir !== path.dirname(dir)) dir = path.dirname(dir);
  return dir;
}

/** The version range a package.json in `dir` gives `name`, if any. */
function rangeIn(dir, name) {
  const manifest = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8'));
  return manifest.dependencies?.[name] ?? manifest.devDependencies?.[name];
}

const installed = new Map();
/** Where Node finds package `name` from `dir` (the first node_modules/<name> up the tree), resolved; memoized. */
function installedPackageDir(dir, name) {
  const key = `${dir}\0${name}`;
  if (!installed.has(key)) {
    let found;
    for (let current = dir; !found; current = path.dirname(current)) {
      const candidate = path.join(current, 'node_modules', name);
      if (existsSync(candidate)) found = realpathSync(candidate);
      else if (current === path.dirname(current)) break;
    }
    installed.set(key, found);
  }
  return installed.get(key);
}

const fromRoot = (file) => path.relative(repoRoot, file).split(path.sep).join('/');

/**
 * Bundles our workspace code (`@kabinet/*`, TypeScript) and leaves npm packages to be imported
 * from node_modules at run time (with `bundlesPackages`, only `packagesLeftInNodeModules`; the
 * rest is bundled too: `pnpm start` then loads one file instead of two thousand, a second sooner),
 * as Node resolves them from the output: from the deployable's
 * own node_modules. So the deployable must declare every npm package its bundle imports, at the
 * very version the importing workspace package gets (one `graphql` for the whole process), and
 * the build says which ones it does not.
 *
 * Workspace code finds its files (SDL, migrations, the supergraph, manifests, page assets)
 * relative to itself, `new URL('../schema.graphql', import.meta.url)`: in the bundle each
 * module's `import.meta.url` still names its source file, computed from the bundle's own
 * location, so those files are read where they are in the repository (and in the image, which
 * keeps the repository's layout), under tsx or built alike.
 */
function workspacePlugin(deployable, outdir, problems) {
  const packageDir = path.join(repoRoot, deployable.dir);
  const manifest = JSON.parse(readFileSync(path.join(packageDir, 'package.json'), 'utf8'));
  const declared = new Set(Object.keys(manifest.dependencies ?? {}));
  const builtins = new Set(builtinModules);
  return {
    name: 'kabinet-workspace',
    setup(build) {
      // Bare specifiers only: relative and absolute paths are our own files.
      const reported = new Set();
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('node:') || builtins.has(args.path)) return { path: args.path, external: true };
        const name = packageNameOf(args.path);
        if (name.startsWith('@kabinet/')) return undefined;
        if (deployable.bundlesPackages && !packagesLeftInNodeModules.has(name)) return undefined;
        if (reported.has(name)) return { path: args.path, external: true };
        if (!declared.has(name)) {
          reported.add(name);
          const importerDir = packageDirOf(args.importer);
          const range = rangeIn(importerDir, name);
          problems.add(
            `${deployable.name} (${deployable.dir}/package.json) must list ${name}${range ? ` "${range}" (as ${fromRoot(importerDir)} does)` : ''} in "dependencies": its build imports it (${fromRoot(args.importer)})`,
          );
        } else {
          const imported = installedPackageDir(packageDirOf(args.importer), name);
          const run = installedPackageDir(packageDir, name);
          if (imported && run && imported !== run) {
            reported.add(name);
            problems.add(`${deployable.name} gets another ${name} than ${fromRoot(args.importer)} does (${fromRoot(run)} vs ${fromRoot(imported)}): declare the same version range`);
          }
        }
        return { path: args.path, external: true };
      });
      build.onLoad({ filter: /\.[cm]?ts$/ }, (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const sourceFromOutput = path.relative(outdir, args.path).split(path.sep).join('/');
        return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(sourceFromOutput)}, import.meta.url).href`), loader: 'ts' };
      });
    },
  };
}

/** Writes a file whole or not at all: a process starting meanwhile never imports half a bundle. */
function writeAtomically(file, contents) {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  writeFileSync(temporary, contents);
  renameSync(temporary, file);
}

const recordOf = (deployable) => path.join(repoRoot, deployable.dir, 'dist', 'build.json');
const builderFile = fileURLToPath(import.meta.url);

/**
 * Whether the deployable's outputs are there and newer than everything they were made from: its
 * sources as the last build read them, its package.json (what it may import) and this builder.
 */
function isUpToDate(deployable) {
  let record;
  try {
    record = JSON.parse(readFileSync(recordOf(deployable), 'utf8'));
  } catch {
    return false;
  }
  const outputs = Object.keys(deployable.entries).map((entry) => path.join(repoRoot, outputOf(deployable, entry)));
  const inputs = [...record.inputs.map((input) => path.join(repoRoot, input)), path.join(repoRoot, deployable.dir, 'package.json'), builderFile];
  if (JSON.stringify(record.entries) !== JSON.stringify(deployable.entries)) return false;
  try {
    return outputs.every((output) => statSync(output).isFile()) && inputs.every((input) => statSync(input).mtimeMs < record.startedAt);
  } catch {
    return false; // a source gone
  }
}

/**
 * Where a bundle holds a character esbuild's `charset: 'ascii'` cannot escape: it leaves regular
 * expressions and template literals as written, and a source must write those characters as
 * \u escapes itself.
 */
function asciiProblem(file) {
  const found = /[^\x00-\x7f]/.exec(file.text);
  if (!found) return undefined;
  const around = file.text.slice(Math.max(0, found.index - 60), found.index + 20).replace(/\s+/g, ' ');
  return `${fromRoot(file.path)} has a non-ASCII character in "${around}": write it as a \\u escape in its source (a regular expression or a template literal)`;
}

async function buildOne(deployable, { whenChanged }) {
  if (whenChanged && isUpToDate(deployable)) return { deployable, problems: [], outputs: [] };
  const startedAt = Date.now();
  const packageDir = path.join(repoRoot, deployable.dir);
  const outdir = path.join(packageDir, 'dist');
  const problems = new Set();
  const result = await (await builder()).build({
    absWorkingDir: repoRoot,
    entryPoints: Object.entries(deployable.entries).map(([out, source]) => ({ in: path.join(packageDir, source), out })),
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // No keepNames: it wraps every closure the code creates in a __name() call that defines a
    // property at run time, 2% of the gateway's CPU per request. Names only change where two
    // modules' top-level names collide, and nothing reads them.
    // A map beside each output for a debugger or a reader of a stack trace; production never loads it.
    sourcemap: 'linked',
    // Without comments and indentation the stack's bundle is 8.6 MB instead of 12: Node reads,
    // decodes and pre-parses all of it at every start. Names stay (no minifyIdentifiers), so a
    // stack trace still names its functions; the map gives lines. Lines are kept short: Node
    // prints the line an uncaught error was thrown on.
    minifyWhitespace: true,
    lineLimit: 160,
    // ASCII only: one non-ASCII character makes Node decode the whole bundle into a two-byte
    // string, a tenth of a second more at every start (see asciiProblem). Licences go beside it.
    charset: 'ascii',
    legalComments: 'linked',
    metafile: true,
    write: false,
    logLevel: 'silent',
    plugins: [workspacePlugin(deployable, outdir, problems)],
    // Bundled CommonJS packages require Node's modules (and optional packages) by name: an ES module has no `require` of its own.
    ...(deployable.bundlesPackages ? { banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" } } : {}),
  }).catch((error) => {
    if (!error.errors) throw error;
    return { errors: error.errors, outputFiles: [] };
  });
  for (const message of result.errors) {
    problems.add(`${deployable.name}: ${message.location ? `${message.location.file}:${message.location.line}: ` : ''}${message.text}`);
  }
  for (const file of result.outputFiles) {
    const problem = file.path.endsWith('.js') ? asciiProblem(file) : undefined;
    if (problem) problems.add(`${deployable.name}: ${problem}`);
  }
  if (problems.size > 0) return { deployable, problems: [...problems], outputs: [] };
  for (const file of result.outputFiles) writeAtomically(file.path, file.contents);
  writeAtomically(recordOf(deployable), `${JSON.stringify({ startedAt, entries: deployable.entries, inputs: Object.keys(result.metafile.inputs) }, null, 1)}\n`);
  return { deployable, problems: [], outputs: result.outputFiles.filter((file) => file.path.endsWith('.js')).map((file) => ({ file: fromRoot(file.path), bytes: file.contents.length })) };
}

/**
 * Builds the deployables (all by default) into their `dist/` directories; with `whenChanged`, only
 * those whose sources changed since their last build. Throws a BuildError listing every problem of
 * every deployable; writes only deployables without any.
 */
export async function buildDeployables(selected = deployables, { whenChanged = false } = {}) {
  const results = await Promise.all(selected.map((deployable) => buildOne(deployable, { whenChanged })));
  const problems = results.flatMap((result) => result.problems);
  if (problems.length > 0) throw new BuildError(problems);
  return results.flatMap((result) => result.outputs);
}

// esbuild, loaded on the first build: a start with nothing to build never loads it.
let loaded;
const builder = () => (loaded ??= import('esbuild'));

/** Ends esbuild's helper process (the JS API keeps one running), if a build started it; a later build starts another. */
export async function stopBuilder() {
  if (loaded) await (await loaded).stop();
}
