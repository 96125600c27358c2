import type { Database, Transaction } from '@kabinet/db';
import { DomainError } from '@kabinet/errors';
import { and, desc, eq, min } from 'drizzle-orm';
import { addMonths, firstDayOf, periodOf, type Period } from '../calendar';
import { messages } from '../messages';
import type { SupplierRow } from '../suppliers';
import type { UtilityTables } from '../tables';

type Executor = Database | Transaction;

/** What decides whether a supplier may bill a month now. */
export interface BillingOrder {
  /** The latest month the supplier has run, or null before its first run. */
  latest: Period | null;
  /** Whether the month asked for has been run before (running it again retries what failed). */
  ran: boolean;
  /** The earliest month a reading of the supplier's meters closes: its history starts there. */
  earliestReading: Period | null;
}

/**
 * Months are billed in order, so no month's consumption is skipped: the month after the latest
 * run, or a month run before (again), never one further on. A supplier's first run is the month
 * after its earliest reading (the values its meters started from), as the demo's first run is.
 */
export function assertBillableInOrder(supplier: Pick<SupplierRow, 'name'>, period: Period, order: BillingOrder): void {
  const { latest, earliestReading } = order;
  if (latest && period < latest && !order.ran) {
    throw new DomainError('PERIOD_ALREADY_BILLED', messages.periodBilledBefore(supplier.name, latest, period), {
      period,
      lastBilledPeriod: latest,
    });
  }
  const next = latest ? addMonths(latest, 1) : earliestReading ? addMonths(earliestReading, 1) : null;
  if (next && period > next) {
    throw new DomainError('EARLIER_PERIOD_UNBILLED', messages.earlierPeriodUnbilled(supplier.name, next), {
      period,
      firstUnbilledPeriod: next,
      lastBilledPeriod: latest,
    });
  }
}

/**
 * An account's bills follow each other month by month: one whose previous bill is older than
 * the month before waits for the months in between (they are retried by running them again).
 */
export function assertAccountBillableInOrder(accountNumber: string, period: Period, previousBillPeriod: Period | null): void {
  if (!previousBillPeriod || previousBillPeriod >= addMonths(period, -1)) return;
  const missing = addMonths(previousBillPeriod, 1);
  throw new DomainError('EARLIER_PERIOD_UNBILLED', messages.accountMonthUnbilled(accountNumber, missing), {
    period,
    firstUnbilledPeriod: missing,
    accountNumber,
  });
}

/** The latest month a supplier has run billing for, or null. */
export async function latestBilledPeriod(executor: Executor, t: UtilityTables, supplierId: string): Promise<Period | null> {
  const [latest] = await executor
    .select({ period: t.billingRuns.period })
    .from(t.billingRuns)
    .where(eq(t.billingRuns.supplierId, supplierId))
    .orderBy(desc(t.billingRuns.period))
    .limit(1);
  return latest ? periodOf(latest.period) : null;
}

export async function loadBillingOrder(executor: Executor, t: UtilityTables, supplierId: string, period: Period): Promise<BillingOrder> {
  const latest = await latestBilledPeriod(executor, t, supplierId);
  if (!latest) {
    const [earliest] = await executor
      .select({ period: min(t.readings.period) })
      .from(t.readings)
      .innerJoin(t.meters, eq(t.meters.id, t.readings.meterId))
      .innerJoin(t.accounts, and(eq(t.accounts.id, t.meters.accountId), eq(t.accounts.supplierId, supplierId)));
    return { latest, ran: false, earliestReading: earliest?.period ? periodOf(earliest.period) : null };
  }
  const [ran] = await executor
    .select({ id: t.billingRuns.id })
    .from(t.billingRuns)
    .where(and(eq(t.billingRuns.supplierId, supplierId), eq(t.billingRuns.period, firstDayOf(period))));
  return { latest, ran: Boolean(ran), earliestReading: null };
}
