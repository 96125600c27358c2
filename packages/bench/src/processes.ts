import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's CPU counters (100 on Linux almost everywhere; asked, not assumed). */
const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces, hence the last ')'). */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null; // gone meanwhile
  }
}

/** A process and all its live descendants (a gateway's cluster workers, a tsx loader's child). */
export function processTree(root: number): number[] {
  const parents = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const parent = Number(statFields(Number(entry))?.[1]);
    if (!parents.has(parent)) parents.set(parent, []);
    parents.get(parent)!.push(Number(entry));
  }
  const tree = [root];
  for (let index = 0; index < tree.length; index += 1) tree.push(...(parents.get(tree[index]!) ?? []));
  return tree;
}

/** CPU time (user + system) a process and its descendants have spent so far, in milliseconds. */
export function cpuMsOf(pid: number): number {
  let ticks = 0;
  for (const member of processTree(pid)) {
    const fields = statFields(member);
    // utime and stime are the 14th and 15th fields of the whole line.
    if (fields) ticks += Number(fields[11]) + Number(fields[12]);
  }
  return (ticks * 1000) / ticksPerSecond;
}

/**
 * All the CPU time a process tree has spent so far, in milliseconds: each live member's, and that
 * of the children each has waited for once they exited (cutime, cstime). `cpuMsOf` misses a child
 * that came and went between two readings: a PostgreSQL query's parallel workers, a short-lived
 * step of `pnpm start`.
 */
export function cpuMsEverOf(root: number): number {
  let ticks = 0;
  for (const member of processTree(root)) {
    const fields = statFields(member);
    // utime, stime, cutime and cstime: the 14th to 17th fields of the whole line.
    if (fields) ticks += Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  }
  return (ticks * 1000) / ticksPerSecond;
}

/**
 * CPU time of the PostgreSQL server that runs backend `backendPid` (on this machine), in
 * milliseconds: the postmaster and every process it ever started (backends, parallel workers,
 * autovacuum, the WAL writer and checkpointer that flush what a benchmark wrote).
 */
export function serverCpuMsOf(backendPid: number): number {
  const postmaster = Number(statFields(backendPid)?.[1]);
  if (!statFields(postmaster)) throw new Error(`no PostgreSQL server process found for backend ${backendPid}`);
  return cpuMsEverOf(postmaster);
}

/** Resident memory of a process and its descendants, now and summed peaks, in bytes. */
export function memoryOf(pid: number): { rss: number; peakRss: number } {
  let rss = 0;
  let peakRss = 0;
  for (const member of processTree(pid)) {
    let status: string;
    try {
      status = readFileSync(`/proc/${member}/status`, 'utf8');
    } catch {
      continue;
    }
    const kib = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0) * 1024;
    rss += kib('VmRSS');
    peakRss += kib('VmHWM');
  }
  return { rss, peakRss };
}

export interface ServiceProcess {
  name: string;
  pid: number;
  /** Where it listens, e.g. http://127.0.0.1:4123 */
  origin: string;
  cpuMs(): number;
  memory(): { rss: number; peakRss: number };
  /** Milliseconds from spawn to its first good answer on `readyPath`. */
  startedInMs: number;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  command: readonly string[];
  env: Record<string, string>;
  port: number;
  /** Answered 200 once the service can serve (or a check of its own). */
  readyPath: string;
  cwd?: string;
  timeoutMs?: number;
}

/** Starts a service in its own process and waits until it answers; its output is kept for when it fails. */
export async function spawnService(options: SpawnOptions): Promise<ServiceProcess> {
  const started = performance.now();
  const child: ChildProcess = spawn(options.command[0]!, options.command.slice(1), {
    cwd: options.cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...options.env, PORT: String(options.port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Kept short: the last lines say why a service did not come up. Read continuously, as a log
  // collector would, so a chatty service never blocks on a full pipe.
  let tail = '';
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString()).slice(-4000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const origin = `http://127.0.0.1:${options.port}`;
  // Generous: a gateway plans every registered operation before it serves, slowly on a busy machine.
  const deadline = started + (options.timeoutMs ?? 180_000);
  for (;;) {
    if (exited) throw new Error(`${options.name} exited before answering:\n${tail}`);
    if (performance.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.name} was not ready in time:\n${tail}`);
    }
    const ok = await fetch(`${origin}${options.readyPath}`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const startedInMs = performance.now() - started;
  const pid = child.pid!;
  return {
    name: options.name,
    pid,
    origin,
    startedInMs,
    cpuMs: () => cpuMsOf(pid),
    memory: () => memoryOf(pid),
    stop: async () => {
      if (exited) return;
      child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(killer);
    },
  };
}
