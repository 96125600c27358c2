import { describe, expect, it } from 'vitest';
import type { BillingRunRow } from '../billing/progress';
import { billingProgressPrinter, progressLine } from './billing-progress';

const runAt = (accountsDone: number, accountsFailed = 0): BillingRunRow => ({
  id: 'run',
  supplierId: 'supplier',
  period: '2026-11-01',
  startedAt: new Date('2026-12-06T08:00:00Z'),
  finishedAt: null,
  startedByUserId: null,
  billsIssued: accountsDone - accountsFailed,
  estimatedMeters: 0,
  accountsFailed,
  accountsTotal: 100_000,
  accountsDone,
});

/** A stream that keeps what is written to it. */
const stream = (isTTY: boolean) => {
  const written: string[] = [];
  return { written, isTTY, write: (chunk: string) => written.push(chunk) > 0 } as unknown as NodeJS.WritableStream & { isTTY: boolean; written: string[] };
};

describe('billing progress on the operator\'s terminal', () => {
  it('draws the share gone through, the counts and the pace', () => {
    expect(progressLine(runAt(43_000, 12), 2_150)).toBe('[██████████░░░░░░░░░░░░░░]  43%  43,000 of 100,000 accounts, 12 failed · 2,150/s, about 27 s left');
    expect(progressLine(runAt(100_000), 2_150)).toBe('[████████████████████████] 100%  100,000 of 100,000 accounts, 0 failed');
    expect(progressLine(runAt(0), null)).toBe('[░░░░░░░░░░░░░░░░░░░░░░░░]   0%  0 of 100,000 accounts, 0 failed');
  });

  it('redraws one bar in place on a terminal and ends its line', () => {
    const out = stream(true);
    let now = 0;
    const printer = billingProgressPrinter(out, () => now);
    printer.update(runAt(40_000));
    now = 2_000;
    printer.update(runAt(44_000));
    printer.end();
    expect(out.written).toHaveLength(3);
    expect(out.written[0]).toMatch(/^\r\[.*40,000 of 100,000 accounts, 0 failed\u001b\[K$/);
    // The pace is this process's: 4,000 accounts in 2 s.
    expect(out.written[1]).toContain('44,000 of 100,000 accounts, 0 failed · 2,000/s, about 28 s left');
    expect(out.written[2]).toBe('\n');
  });

  it('writes a plain line at the start, at each tenth of the way and at the end elsewhere', () => {
    const out = stream(false);
    const printer = billingProgressPrinter(out, () => 0);
    for (let done = 0; done <= 100_000; done += 1_000) printer.update(runAt(done));
    printer.end();
    expect(out.written).toHaveLength(11);
    expect(out.written.every((line) => line.endsWith('\n') && !line.includes('\r'))).toBe(true);
    expect(out.written[0]).toContain('0 of 100,000 accounts');
    expect(out.written.at(-1)).toContain(' 100%  100,000 of 100,000 accounts');
  });
});
