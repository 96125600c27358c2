import autocannon from 'autocannon';
import { Agent, request } from 'undici';

export interface LoadResult {
  requests: number;
  /** Answers that were not a 200 with data and no errors. */
  failures: number;
  rps: number;
  p50: number;
  p99: number;
}

const percentile = (sorted: readonly number[], fraction: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;

function summary(latencies: number[], failures: number, started: number): LoadResult {
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { requests: latencies.length, failures, rps: latencies.length / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99) };
}

/**
 * A closed loop: `connections` callers, each sending its next request when the last one was
 * answered, `total` requests in all: a fixed amount of work, to warm up or to divide CPU time by.
 */
export async function closedLoop(options: { connections: number; total: number; send(index: number): Promise<boolean> }): Promise<LoadResult> {
  const latencies: number[] = [];
  let next = 0;
  let failures = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: options.connections }, async () => {
      while (next < options.total) {
        const index = next++;
        const sent = performance.now();
        const ok = await options.send(index).catch(() => false);
        latencies.push(performance.now() - sent);
        if (!ok) failures += 1;
      }
    }),
  );
  return summary(latencies, failures, started);
}

/**
 * One request at a time to each of several targets in turn, `rounds` times: their latencies are
 * compared with each other, so each round gives every target the same moment of a machine whose
 * speed drifts (a shared VM's does by tens of percent within a minute), and no target's figure
 * comes from a quieter minute than another's.
 */
export async function interleaved(options: { rounds: number; targets: readonly (() => Promise<boolean>)[] }): Promise<LoadResult[]> {
  const latencies = options.targets.map((): number[] => []);
  const failures = options.targets.map(() => 0);
  const started = performance.now();
  for (let round = 0; round < options.rounds; round += 1) {
    for (const [index, send] of options.targets.entries()) {
      const sent = performance.now();
      const ok = await send().catch(() => false);
      latencies[index]!.push(performance.now() - sent);
      if (!ok) failures[index] = failures[index]! + 1;
    }
  }
  return latencies.map((measured, index) => summary(measured, failures[index]!, started));
}

/**
 * An open loop: request `index` is sent at `index / rate` seconds, whether or not the earlier ones
 * were answered, as a month's end brings households regardless of how the server is doing. Each
 * latency counts from when its request was due (no coordinated omission: a stalled server cannot
 * hide the requests it delayed). `rps` is what was answered per second.
 */
export async function openLoop(options: { rate: number; total: number; send(index: number): Promise<boolean> }): Promise<LoadResult> {
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let index = 0; index < options.total; index += 1) {
    const due = started + (index * 1000) / options.rate;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(
      options.send(index).then(
        (ok) => {
          latencies.push(performance.now() - due);
          if (!ok) failures += 1;
        },
        () => {
          latencies.push(performance.now() - due);
          failures += 1;
        },
      ),
    );
  }
  await Promise.all(pending);
  return summary(latencies, failures, started);
}

/** Kept-alive connections for the closed loops (as an app's HTTP client keeps them). */
export const loadAgent = new Agent({ keepAliveTimeout: 30_000, connections: 256 });

/** POSTs a GraphQL body: its status and text. */
export async function sendGraphQL(url: string, body: string, headers: Record<string, string>): Promise<{ status: number; text: string }> {
  const response = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers }, dispatcher: loadAgent });
  return { status: response.statusCode, text: await response.body.text() };
}

const answered = ({ status, text }: { status: number; text: string }) => status === 200 && !text.includes('"errors"');

/** POSTs a GraphQL body; true when it answered 200 with data and no errors. */
export async function postGraphQL(url: string, body: string, headers: Record<string, string>): Promise<boolean> {
  return answered(await sendGraphQL(url, body, headers));
}

/** Throws with the answer unless the request is answered without errors: checked before anything is measured. */
export async function expectAnswer(what: string, url: string, body: string, headers: Record<string, string>): Promise<void> {
  const answer = await sendGraphQL(url, body, headers);
  if (!answered(answer)) throw new Error(`${what}: ${answer.status} ${answer.text.slice(0, 1000)}`);
}

export interface AutocannonTarget {
  url: string;
  body: string;
  /** Headers per request: one caller per entry, used in turn (per-user tokens). */
  headerSets: readonly Record<string, string>[];
  connections: number;
  seconds: number;
}

/**
 * Throughput under load with autocannon: requests rotate through `headerSets`, and any answer
 * carrying `"errors"` counts as a failure (a GraphQL error is a 200).
 */
export async function autocannonRun(target: AutocannonTarget): Promise<LoadResult> {
  let turn = 0;
  let failures = 0;
  const result = await autocannon({
    url: target.url,
    connections: target.connections,
    duration: target.seconds,
    requests: [
      {
        method: 'POST',
        body: target.body,
        setupRequest: (req: autocannon.Request) => {
          const headers = target.headerSets[turn++ % target.headerSets.length]!;
          return { ...req, headers: { 'content-type': 'application/json', ...headers } };
        },
        onResponse: (status: number, body: string) => {
          if (status !== 200 || body.includes('"errors"')) failures += 1;
        },
      },
    ],
  });
  return {
    requests: result.requests.total,
    failures: failures + result.errors + result.timeouts,
    rps: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
  };
}
