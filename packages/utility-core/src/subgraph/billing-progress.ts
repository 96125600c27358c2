import { progressOf, type BillingRunRow } from '../billing/progress';

const width = 24;
const count = (value: number) => value.toLocaleString('en-US');

/**
 * `[██████████░░░░░░░░░░░░░░]  43%  43,000 of 100,000 accounts, 12 failed · 2,150/s, about 27 s left`:
 * how far a billing run has come, and at what pace this process is going (`perSecond`, null
 * until it has billed a batch).
 */
export function progressLine(run: BillingRunRow, perSecond: number | null): string {
  const { accounts, failed, pending, fraction } = progressOf(run);
  const filled = Math.floor(fraction * width);
  const bar = `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}]`;
  const percent = `${Math.floor(fraction * 100)}%`.padStart(4);
  const pace = perSecond && pending > 0 ? ` · ${count(Math.round(perSecond))}/s, about ${Math.ceil(pending / perSecond)} s left` : '';
  return `${bar} ${percent}  ${count(accounts - pending)} of ${count(accounts)} accounts, ${count(failed)} failed${pace}`;
}

/**
 * Shows a billing run's progress as it commits batch after batch: on a terminal, one bar
 * redrawn in place; elsewhere (a scheduler's log), a plain line when the run starts, at each
 * tenth of the way, and at its end.
 */
export function billingProgressPrinter(stream: NodeJS.WritableStream & { isTTY?: boolean }, clock: () => number = () => performance.now()) {
  let start: { at: number; done: number } | null = null;
  let tenthShown = -1;
  let drawn = false;
  return {
    update(run: BillingRunRow) {
      const now = clock();
      start ??= { at: now, done: run.accountsDone };
      const elapsed = (now - start.at) / 1000;
      const perSecond = elapsed > 0 && run.accountsDone > start.done ? (run.accountsDone - start.done) / elapsed : null;
      const line = progressLine(run, perSecond);
      if (stream.isTTY) {
        stream.write(`\r${line}\u001b[K`);
        drawn = true;
        return;
      }
      const tenth = Math.floor(progressOf(run).fraction * 10);
      if (tenth === tenthShown) return;
      tenthShown = tenth;
      stream.write(`${line}\n`);
    },
    /** Ends the bar's line on a terminal, so that what follows starts on its own. */
    end() {
      if (drawn) stream.write('\n');
      drawn = false;
    },
  };
}
