// `corepack pnpm build [@kabinet/<name> ...]`: every deployable (or those named) to `<package>/dist/`.
import { BuildError, buildDeployables, deployableNamed, deployables } from './build.mjs';

const names = process.argv.slice(2).filter((arg) => arg !== '--');
try {
  const outputs = await buildDeployables(names.length > 0 ? names.map(deployableNamed) : deployables);
  for (const output of outputs) console.log(`  ${output.file.padEnd(40)} ${(output.bytes / 1024).toFixed(0).padStart(6)} KiB`);
} catch (error) {
  if (!(error instanceof BuildError)) throw error;
  console.error(error.message);
  process.exitCode = 1;
}
