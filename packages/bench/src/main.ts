import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { repoRoot } from '@kabinet/config';
import { billing } from './benchmarks/billing';
import { dashboard } from './benchmarks/dashboard';
import { readings } from './benchmarks/readings';
import { start } from './benchmarks/start';
import { formatFigure, type Benchmark, type Figure } from './figure';
import { machineSpeed } from './machine';

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

/** Where a benchmark run in a process of its own (below) leaves its figures for the runner. */
const figuresFile = process.env.BENCH_FIGURES_FILE;

/**
 * Runs one benchmark in a new process of this same command and reads back its figures. Each of
 * several benchmarks gets a fresh process: one run after another in the same process measured
 * what the earlier left behind (after the billing run's heap, \`pnpm start\` took 5.6-6.9 s
 * instead of 5.1-5.3: the runner's garbage collection competed with it for the two cores).
 */
async function runApart(benchmark: Benchmark): Promise<Figure[]> {
  const dir = mkdtempSync(path.join(tmpdir(), 'kabinet-bench-'));
  const file = path.join(dir, 'figures.json');
  try {
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, benchmark.name], {
      env: { ...process.env, BENCH_FIGURES_FILE: file },
      stdio: 'inherit',
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    if (code !== 0) throw new Error(`the ${benchmark.name} benchmark's process exited with ${code}`);
    return JSON.parse(readFileSync(file, 'utf8')) as Figure[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const apart = chosen.length > 1 && !figuresFile;
if (!figuresFile) {
  const { referenceMs, load } = machineSpeed();
  console.log(`Kabinet benchmarks on ${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}`);
  console.log(`this machine now: the reference work (machine.ts) in ${referenceMs.toFixed(1)} ms; load average ${load.toFixed(2)} (idle: under 0.5)\n`);
}
const results: { benchmark: Benchmark; figures: Figure[] }[] = [];
let failed = false;
for (const benchmark of chosen) {
  try {
    if (apart) {
      results.push({ benchmark, figures: await runApart(benchmark) });
      continue;
    }
    console.log(`== ${benchmark.name}: ${benchmark.description}`);
    const figures = await benchmark.run();
    for (const figure of figures) console.log(`  ${formatFigure(figure)}`);
    if (figuresFile) writeFileSync(figuresFile, JSON.stringify(figures));
    results.push({ benchmark, figures });
  } catch (error) {
    failed = true;
    console.error(`  ${benchmark.name} failed:`, error);
  }
  if (!apart) console.log();
}

const summary = results.filter((result) => result.figures.length > 0);
if (summary.length > 1 && !figuresFile) {
  console.log('== summary');
  for (const { figures } of summary) for (const figure of figures) console.log(`  ${formatFigure(figure)}`);
}
process.exit(failed ? 1 : 0);
