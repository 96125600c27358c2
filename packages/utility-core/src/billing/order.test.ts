import { DomainError } from '@kabinet/errors';
import { describe, expect, it } from 'vitest';
import { assertAccountBillableInOrder, assertBillableInOrder, type BillingOrder } from './order';

const supplier = { name: 'Київські енергетичні послуги' };

/** The refusal `check` throws, as code and details (null when it accepts). */
function refusal(check: () => void) {
  try {
    check();
    return null;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const { code, ...details } = error.extensions;
    return { code, ...details, message: error.message };
  }
}
const asking = (period: string, order: BillingOrder) => refusal(() => assertBillableInOrder(supplier, period, order));

describe('the months a supplier may bill', () => {
  const billedToOctober: BillingOrder = { latest: '2026-10', ran: false, earliestReading: null };

  it('are the month after the latest run, and that month again', () => {
    expect(asking('2026-11', billedToOctober)).toBeNull();
    expect(asking('2026-10', { ...billedToOctober, ran: true })).toBeNull();
  });

  it('refuse a month further on, naming the month to bill first', () => {
    expect(asking('2026-12', billedToOctober)).toEqual({
      code: 'EARLIER_PERIOD_UNBILLED',
      period: '2026-12',
      firstUnbilledPeriod: '2026-11',
      lastBilledPeriod: '2026-10',
      message: `${supplier.name} bills months in order: bill November 2026 first`,
    });
    expect(asking('2027-01', billedToOctober)).toMatchObject({ code: 'EARLIER_PERIOD_UNBILLED', firstUnbilledPeriod: '2026-11' });
  });

  it('run an earlier month again (retrying its failed accounts), but refuse one before the latest that never ran', () => {
    expect(asking('2026-08', { ...billedToOctober, ran: true })).toBeNull();
    expect(asking('2025-10', billedToOctober)).toMatchObject({ code: 'PERIOD_ALREADY_BILLED', period: '2025-10', lastBilledPeriod: '2026-10' });
  });

  it("start, on a supplier's first run, at the month after its earliest reading", () => {
    const firstRun: BillingOrder = { latest: null, ran: false, earliestReading: '2026-06' };
    expect(asking('2026-07', firstRun)).toBeNull();
    expect(asking('2026-09', firstRun)).toEqual({
      code: 'EARLIER_PERIOD_UNBILLED',
      period: '2026-09',
      firstUnbilledPeriod: '2026-07',
      lastBilledPeriod: null,
      message: `${supplier.name} bills months in order: bill July 2026 first`,
    });
    // Without a reading there is no consumption to lose: any month may be the first.
    expect(asking('2026-09', { latest: null, ran: false, earliestReading: null })).toBeNull();
  });

  it('cross a year', () => {
    expect(asking('2027-01', { latest: '2026-12', ran: false, earliestReading: null })).toBeNull();
    expect(asking('2027-02', { latest: '2026-12', ran: false, earliestReading: null })).toMatchObject({ firstUnbilledPeriod: '2027-01' });
  });
});

describe('the month an account may be billed for', () => {
  it('follows its previous bill, or is its first', () => {
    expect(refusal(() => assertAccountBillableInOrder('10987654', '2026-12', '2026-11'))).toBeNull();
    expect(refusal(() => assertAccountBillableInOrder('10987654', '2026-12', null))).toBeNull();
  });

  it('waits for a month in between that has no bill', () => {
    expect(refusal(() => assertAccountBillableInOrder('10987654', '2027-02', '2026-12'))).toEqual({
      code: 'EARLIER_PERIOD_UNBILLED',
      period: '2027-02',
      firstUnbilledPeriod: '2027-01',
      accountNumber: '10987654',
      message: 'Account 10987654 has no bill for January 2027: bill January 2027 first',
    });
  });
});
