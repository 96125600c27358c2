import type { Database, Transaction } from '@kabinet/db';
import { DomainError } from '@kabinet/errors';
import { and, desc, eq, min, sql } from 'drizzle-orm';
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

/** The supplier's latest run: read on its own, or as a subquery of the billing order. */
const latestRunOf = (executor: Executor, t: UtilityTables, supplierId: string) =>
  executor.select({ period: t.billingRuns.period }).from(t.billingRuns).where(eq(t.billingRuns.supplierId, supplierId)).orderBy(desc(t.billingRuns.period)).limit(1);

/** The latest month a supplier has run billing for, or null. */
export async function latestBilledPeriod(executor: Executor, t: UtilityTables, supplierId: string): Promise<Period | null> {
  const [latest] = await latestRunOf(executor, t, supplierId);
  return latest ? periodOf(latest.period) : null;
}

/**
 * The supplier's billing order in one statement (a run checks it before and again under its
 * lease): the latest month run, whether `period` was run, and, before any run, the earliest
 * reading, which is only looked for then.
 */
export async function loadBillingOrder(executor: Executor, t: UtilityTables, supplierId: string, period: Period): Promise<BillingOrder> {
  const { billingRuns: runs, suppliers, readings, meters, accounts } = t;
  const supplierRuns = eq(runs.supplierId, supplierId);
  const periodRun = executor.select({ id: runs.id }).from(runs).where(and(supplierRuns, eq(runs.period, firstDayOf(period))));
  const anyRun = executor.select({ id: runs.id }).from(runs).where(supplierRuns);
  const earliestReading = executor
    .select({ period: min(readings.period) })
    .from(readings)
    .innerJoin(meters, eq(meters.id, readings.meterId))
    .innerJoin(accounts, and(eq(accounts.id, meters.accountId), eq(accounts.supplierId, supplierId)));
  const [order] = await executor
    .select({
      latest: sql<string | null>`(${latestRunOf(executor, t, supplierId)})`,
      ran: sql<boolean>`exists (${periodRun})`,
      earliestReading: sql<string | null>`case when not exists (${anyRun}) then (${earliestReading}) end`,
    })
    .from(suppliers)
    .where(eq(suppliers.id, supplierId));
  const latest = order?.latest ? periodOf(order.latest) : null;
  return { latest, ran: Boolean(order?.ran), earliestReading: !latest && order?.earliestReading ? periodOf(order.earliestReading) : null };
}
