// `corepack pnpm start`: builds the one-process stack (packages/stack/src/main.ts) and runs the
// build in this very process. Plain Node then loads plain JavaScript: no TypeScript compiled on
// the fly at each start, and no loader between every import and the module it asks for.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { BuildError, buildDeployables, deployableNamed, outputOf, repoRoot, stopBuilder } from './build.mjs';

const stack = deployableNamed('@kabinet/stack');
try {
  // Built again only when a source changed since the last start.
  await buildDeployables([stack], { whenChanged: true });
} catch (error) {
  if (!(error instanceof BuildError)) throw error;
  console.error(error.message);
  process.exit(1);
} finally {
  await stopBuilder();
}
// No source maps: Node would read the bundle's map (npm packages included) at every start, half a
// second. Stack traces name dist/main.js; `NODE_OPTIONS=--enable-source-maps corepack pnpm start`,
// or the sources through tsx (`corepack pnpm exec tsx packages/stack/src/main.ts`), name the sources.
await import(pathToFileURL(path.join(repoRoot, outputOf(stack, 'main'))).href);
