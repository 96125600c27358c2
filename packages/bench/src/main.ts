import { spawnSync } from 'node:child_process';
import { cpus } from 'node:os';
import { repoRoot } from '@kabinet/config';
import { billing } from './benchmarks/billing';
import { dashboard } from './benchmarks/dashboard';
import { readings } from './benchmarks/readings';
import { start } from './benchmarks/start';
import { formatFigure, type Benchmark, type Figure } from './figure';

// `pnpm bench [name ...]`: each benchmark against the same machine's baseline, one after another
// (never in parallel: they would measure each other). Figures are printed, never asserted.
const benchmarks: readonly Benchmark[] = [dashboard, readings, billing, start];

const micro: Benchmark = {
  name: 'micro',
  description: 'vitest bench: the in-process Dashboard with SQL statements per request, the token check',
  async run() {
    const result = spawnSync('corepack', ['pnpm', 'exec', 'vitest', 'bench', '--run', '--project', 'e2e'], { cwd: repoRoot, stdio: 'inherit' });
    if (result.status !== 0) throw new Error('vitest bench failed');
    return [];
  },
};

const all = [...benchmarks, micro];
const asked = process.argv.slice(2).filter((arg) => arg !== '--');
const unknown = asked.filter((name) => !all.some((benchmark) => benchmark.name === name));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${all.map((benchmark) => benchmark.name).join(', ')}`);
  process.exit(2);
}
const chosen = asked.length > 0 ? all.filter((benchmark) => asked.includes(benchmark.name)) : all;

console.log(`Kabinet benchmarks on ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}\n`);
const results: { benchmark: Benchmark; figures: Figure[] }[] = [];
let failed = false;
for (const benchmark of chosen) {
  console.log(`== ${benchmark.name}: ${benchmark.description}`);
  try {
    const figures = await benchmark.run();
    for (const figure of figures) console.log(`  ${formatFigure(figure)}`);
    results.push({ benchmark, figures });
  } catch (error) {
    failed = true;
    console.error(`  ${benchmark.name} failed:`, error);
  }
  console.log();
}

const summary = results.filter((result) => result.figures.length > 0);
if (summary.length > 1) {
  console.log('== summary');
  for (const { figures } of summary) for (const figure of figures) console.log(`  ${formatFigure(figure)}`);
}
process.exit(failed ? 1 : 0);
