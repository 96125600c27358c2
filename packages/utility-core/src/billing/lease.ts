import { setTimeout as sleep } from 'node:timers/promises';
import type { Database, Transaction } from '@kabinet/db';
import { DomainError } from '@kabinet/errors';
import { and, eq, lt, sql } from 'drizzle-orm';
import { firstDayOf, periodOf, type Period } from '../calendar';
import { messages } from '../messages';
import type { SupplierRow } from '../suppliers';
import type { UtilityTables } from '../tables';

/**
 * One billing run per supplier at a time. A run claims its supplier's lease row, renews it in
 * the transaction of every batch of accounts it bills, and deletes it when it ends. A run that crashed
 * stops renewing, and its lease lapses: the next run takes over. Expiry is the database's own
 * time (not the domain clock): it measures how long a process has been silent.
 */
const leaseSeconds = 120;
const leaseEnd = sql`clock_timestamp() + make_interval(secs => ${leaseSeconds})`;
/** How often a second start of the month being billed looks whether the first one is done. */
const sameMonthPollMs = 100;

export interface BillingLease {
  supplierId: string;
  period: Period;
  holder: string;
}

const inProgress = (supplier: SupplierRow, period: Period, runningPeriod: Period) =>
  new DomainError('BILLING_RUN_IN_PROGRESS', messages.billingRunInProgress(supplier.name, runningPeriod, period), {
    period,
    runningPeriod,
  });

/** The lease if free or lapsed, else the month its holder bills (null when it was released meanwhile). */
async function tryClaim(db: Database, t: UtilityTables, supplierId: string, period: Period): Promise<BillingLease | { heldFor: Period | null }> {
  const holder = crypto.randomUUID();
  const claim = { period: firstDayOf(period), holder, expiresAt: leaseEnd };
  const [claimed] = await db
    .insert(t.billingLeases)
    .values({ supplierId, ...claim })
    .onConflictDoUpdate({ target: t.billingLeases.supplierId, set: claim, setWhere: lt(t.billingLeases.expiresAt, sql`clock_timestamp()`) })
    .returning({ holder: t.billingLeases.holder });
  if (claimed) return { supplierId, period, holder };
  const [current] = await db.select({ period: t.billingLeases.period }).from(t.billingLeases).where(eq(t.billingLeases.supplierId, supplierId));
  return { heldFor: current ? periodOf(current.period) : null };
}

/**
 * Claims the supplier's billing lease for `period`. Another month's run holding it refuses this
 * one (BILLING_RUN_IN_PROGRESS). The same month started twice (a second click) waits for the
 * first run and then runs the month again, which bills only what is left: as if started after it.
 */
export async function claimBillingLease(db: Database, t: UtilityTables, supplier: SupplierRow, period: Period): Promise<BillingLease> {
  for (;;) {
    const outcome = await tryClaim(db, t, supplier.id, period);
    if ('holder' in outcome) return outcome;
    if (outcome.heldFor !== null && outcome.heldFor !== period) throw inProgress(supplier, period, outcome.heldFor);
    if (outcome.heldFor === period) await sleep(sameMonthPollMs);
  }
}

const heldBy = (t: UtilityTables, lease: BillingLease) => and(eq(t.billingLeases.supplierId, lease.supplierId), eq(t.billingLeases.holder, lease.holder));

/**
 * The lease's renewal, to run inside a batch's transaction once its bills are written (as a CTE
 * of the statement that records the batch, progress.ts): the row stays locked until they commit,
 * so no other run can take the lease over between this check and the commit (and batches
 * committing at once wait for each other only that long). It returns no row when the lease lapsed
 * and was taken over: see `leaseLost`.
 */
export const leaseRenewal = (tx: Transaction, t: UtilityTables, lease: BillingLease) =>
  tx.update(t.billingLeases).set({ expiresAt: leaseEnd }).where(heldBy(t, lease)).returning({ holder: t.billingLeases.holder });

/** The lease's release, to run as a CTE of the statement that finishes the run (progress.ts), or alone. */
export const leaseRelease = (db: Database, t: UtilityTables, lease: BillingLease) => db.delete(t.billingLeases).where(heldBy(t, lease));

/** The error that stops a run whose lease was taken over (its batch is rolled back): BILLING_RUN_IN_PROGRESS, naming the month now billed. */
export async function leaseLost(tx: Transaction, t: UtilityTables, supplier: SupplierRow, lease: BillingLease): Promise<DomainError> {
  const [current] = await tx.select({ period: t.billingLeases.period }).from(t.billingLeases).where(eq(t.billingLeases.supplierId, lease.supplierId));
  return inProgress(supplier, lease.period, current ? periodOf(current.period) : lease.period);
}

/** True for the error a run gets when its lease was taken over: the run stops, it is no account's fault. */
export const isLeaseLost = (error: unknown) => error instanceof DomainError && error.extensions.code === 'BILLING_RUN_IN_PROGRESS';

export async function releaseBillingLease(db: Database, t: UtilityTables, lease: BillingLease): Promise<void> {
  await leaseRelease(db, t, lease);
}
