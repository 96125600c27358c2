import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defaultPorts, repoRoot } from '@kabinet/config';
import type { Benchmark, Figure } from '../figure';
import { cpuMsEverOf, processTree } from '../processes';

// `pnpm start` as a new user meets it: one process, the embedded database (PGlite) with demo data,
// the fixed ports. Measured from the command's spawn to the gateway's first good answer, on a
// new DATA_DIR (the cluster created, migrated, seeded) and again on the same one (warm).

const rounds = Number(process.env.BENCH_START_ROUNDS ?? 2);
const gatewayUrl = `http://127.0.0.1:${defaultPorts.gateway}/graphql`;

interface Way {
  name: string;
  command: string[];
  /** Part of the command line of the process that serves (not of pnpm or tsx's launcher). */
  serverArgv: string;
}

const built: Way = { name: 'built', command: ['corepack', 'pnpm', 'start'], serverArgv: 'packages/build/src/start.mjs' };
// The same stack from its TypeScript sources through tsx, as `pnpm start` ran before the build.
const tsx: Way = { name: 'tsx', command: ['corepack', 'pnpm', 'exec', 'tsx', 'packages/stack/src/main.ts'], serverArgv: 'packages/stack/src/main.ts' };

interface Start {
  firstAnswerMs: number;
  /** CPU time of every process of the command until then, children that ended (initdb, the builder) included. */
  cpuMs: number;
  /** Peak resident memory of the serving process. */
  serverPeakMiB: number;
  /** Peak of the whole command's resident memory (pnpm and short-lived children included), sampled every 200 ms. */
  commandPeakMiB: number;
}

function statusOf(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return null;
  }
}

const kibIn = (status: string, field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);

function commandLineOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}

async function portInUse(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function answers(): Promise<boolean> {
  try {
    const response = await fetch(gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ __typename }"}' });
    return response.ok;
  } catch {
    return false;
  }
}

/** Starts the stack one way on `dataDir`, waits for its first answer, measures, stops it (Ctrl-C). */
async function startOnce(way: Way, dataDir: string): Promise<Start> {
  // Another `pnpm start` (a test, a person) may hold the fixed ports a while: wait, then give up.
  for (const port of Object.values(defaultPorts)) {
    for (let waited = 0; await portInUse(port); waited += 1) {
      if (waited === 600) throw new Error(`port ${port} is taken: pnpm start needs 4000–4004 and 4010 free`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn', NODE_ENV: 'development' };
  delete env.DATABASE_URL;
  const started = performance.now();
  const child = spawn(way.command[0]!, way.command.slice(1), { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let output = '';
  child.stdout!.on('data', (chunk) => (output = (output + chunk).slice(-4000)));
  child.stderr!.on('data', (chunk) => (output = (output + chunk).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let commandPeakKiB = 0;
  let sampledAt = -Infinity;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${way.command.join(' ')} exited with ${child.exitCode}:\n${output}`);
      if (performance.now() - started > 180_000) throw new Error(`${way.command.join(' ')} did not answer within 3 minutes:\n${output}`);
      // The whole command's memory, sampled every 200 ms: a sample reads /proc for every process
      // of the machine and each of the command's status (which takes its memory map's lock), and
      // every 25 ms that alone made the start it measures 0.3 s slower. The serving process's
      // peak needs no sampling (its VmHWM at the end).
      if (performance.now() - sampledAt >= 200) {
        sampledAt = performance.now();
        let rssKiB = 0;
        for (const pid of processTree(child.pid!)) rssKiB += kibIn(statusOf(pid) ?? '', 'VmRSS');
        commandPeakKiB = Math.max(commandPeakKiB, rssKiB);
      }
      if (await answers()) break;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    const firstAnswerMs = performance.now() - started;
    const tree = processTree(child.pid!);
    const cpuMs = cpuMsEverOf(child.pid!);
    const servers = tree.filter((pid) => commandLineOf(pid).includes(way.serverArgv)).map((pid) => kibIn(statusOf(pid) ?? '', 'VmHWM'));
    if (servers.length === 0) throw new Error(`no process of ${way.command.join(' ')} runs ${way.serverArgv}`);
    return { firstAnswerMs, cpuMs, serverPeakMiB: Math.max(...servers) / 1024, commandPeakMiB: commandPeakKiB / 1024 };
  } finally {
    // Ctrl-C, as in a terminal: the whole process group, unless it already ended (it failed,
    // and its error is on the way: a failed kill must not take its place).
    const signal = (name: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, name);
      } catch {}
    };
    if (child.exitCode === null) signal('SIGINT');
    const killer = setTimeout(() => signal('SIGKILL'), 20_000);
    await exited;
    clearTimeout(killer);
  }
}

/** A fresh start on a new DATA_DIR, then a warm one on the same. */
async function freshAndWarm(way: Way): Promise<{ fresh: Start; warm: Start }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `kabinet-bench-start-${way.name}-`));
  try {
    const fresh = await startOnce(way, dataDir);
    const warm = await startOnce(way, dataDir);
    return { fresh, warm };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
}

const lowest = (starts: Start[], measure: (start: Start) => number) => Math.min(...starts.map(measure));

export const start: Benchmark = {
  name: 'start',
  description: `pnpm start (one process, PGlite, demo data) to its first answer, on a new DATA_DIR and again warm, best of ${rounds}; against the same stack from its sources through tsx`,
  async run() {
    const measured = { built: { fresh: [] as Start[], warm: [] as Start[] }, tsx: { fresh: [] as Start[], warm: [] as Start[] } };
    // Interleaved, so that a busy moment of the machine falls on both ways alike.
    for (let round = 0; round < rounds; round += 1) {
      for (const way of [built, tsx]) {
        const { fresh, warm } = await freshAndWarm(way);
        measured[way.name as 'built' | 'tsx'].fresh.push(fresh);
        measured[way.name as 'built' | 'tsx'].warm.push(warm);
        console.log(
          `  ${way.name}: fresh ${(fresh.firstAnswerMs / 1000).toFixed(2)} s (CPU ${(fresh.cpuMs / 1000).toFixed(2)} s, ${fresh.serverPeakMiB.toFixed(0)} MiB), ` +
            `warm ${(warm.firstAnswerMs / 1000).toFixed(2)} s (CPU ${(warm.cpuMs / 1000).toFixed(2)} s, ${warm.serverPeakMiB.toFixed(0)} MiB)`,
        );
      }
    }
    const figures: Figure[] = [];
    for (const when of ['fresh', 'warm'] as const) {
      const ours = measured.built[when];
      const theirs = measured.tsx[when];
      const label = when === 'fresh' ? 'new DATA_DIR' : 'warm';
      figures.push(
        {
          name: `pnpm start to first answer, ${label}`,
          value: lowest(ours, (s) => s.firstAnswerMs),
          unit: 'ms',
          baseline: { name: 'from sources through tsx', value: lowest(theirs, (s) => s.firstAnswerMs) },
          goal: '≤ 5,000 ms',
        },
        {
          name: `pnpm start CPU time to first answer, ${label}`,
          value: lowest(ours, (s) => s.cpuMs),
          unit: 'ms',
          baseline: { name: 'from sources through tsx', value: lowest(theirs, (s) => s.cpuMs) },
        },
        {
          name: `pnpm start peak memory of the serving process, ${label}`,
          value: lowest(ours, (s) => s.serverPeakMiB),
          unit: 'MiB',
          baseline: { name: 'from sources through tsx', value: lowest(theirs, (s) => s.serverPeakMiB) },
          goal: '≤ 500 MiB',
        },
        {
          name: `pnpm start peak memory of the whole command (pnpm and children included), ${label}`,
          value: lowest(ours, (s) => s.commandPeakMiB),
          unit: 'MiB',
          baseline: { name: 'from sources through tsx', value: lowest(theirs, (s) => s.commandPeakMiB) },
        },
      );
    }
    return figures;
  },
};
