import { createHash } from 'node:crypto';
import { loadavg } from 'node:os';

/*
 * How fast this machine is right now, printed before the figures: the benchmarks' goals are
 * absolute (milliseconds, seconds), and the same commit measured 1.7-3× slower on some days than
 * on others on the "same" 2-core machine. A fixed piece of work, timed, tells a reader of two runs
 * whether the code or the machine changed; the load average tells whether something else ran.
 */

/** A fixed mix of what the services spend CPU on: JSON in and out, hashing, small objects. */
function referenceWork(): void {
  const answer = {
    data: {
      me: {
        accounts: Array.from({ length: 20 }, (_, index) => ({
          id: `a1b2c3d4-0000-4000-8000-${String(index).padStart(12, '0')}`,
          balance: { amount: `${index * 137}.50`, currency: 'UAH' },
          meters: [{ serialNumber: `M-${index}`, latestReadings: [{ zone: 'DAY', value: '12345.678', period: '2026-11' }] }],
        })),
      },
    },
  };
  let digest = '';
  for (let round = 0; round < 2000; round += 1) {
    const text = JSON.stringify(answer);
    const parsed = JSON.parse(text) as typeof answer;
    digest = createHash('sha256').update(text).update(digest).update(String(parsed.data.me.accounts.length)).digest('hex');
  }
}

/** The reference work's best time of five, in milliseconds, and the load average over the last minute. */
export function machineSpeed(): { referenceMs: number; load: number } {
  referenceWork();
  let best = Infinity;
  for (let run = 0; run < 5; run += 1) {
    const started = performance.now();
    referenceWork();
    best = Math.min(best, performance.now() - started);
  }
  return { referenceMs: best, load: loadavg()[0]! };
}
