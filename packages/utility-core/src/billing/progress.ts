import type { Database, Transaction } from '@kabinet/db';
import { and, eq, sql } from 'drizzle-orm';
import { firstDayOf } from '../calendar';
import type { SupplierRow } from '../suppliers';
import type { UtilityTables } from '../tables';
import { leaseLost, leaseRelease, leaseRenewal, type BillingLease } from './lease';
import type { BillingRunInput } from './run';

/*
 * A month's billing run row (`billing_runs`, one per supplier and month, whatever the number of
 * runs of it) keeps the latest run's progress: each batch of accounts adds its counts in the
 * transaction that writes its bills, so the counts are exactly what has been committed, a run
 * that dies leaves them where its last batch left them, and the run that resumes it starts from there.
 */

export type BillingRunRow = UtilityTables['billingRuns']['$inferSelect'];

/** How far a month's billing has come, as an operator follows it (`BillingRun.progress`). */
export interface BillingProgress {
  /** The supplier's accounts when the latest run started. */
  accounts: number;
  /** Accounts billed for the month, by this run or an earlier one. */
  billed: number;
  /** Accounts the latest run could not bill so far. */
  failed: number;
  /** Accounts the run has not come to yet. */
  pending: number;
  /** The share of accounts gone through (billed before, or billed, failed or with nothing to bill by this run), 0 to 1. */
  fraction: number;
}

export function progressOf(run: BillingRunRow): BillingProgress {
  const pending = Math.max(run.accountsTotal - run.accountsDone, 0);
  return {
    accounts: run.accountsTotal,
    billed: run.billsIssued,
    failed: run.accountsFailed,
    pending,
    fraction: run.accountsTotal === 0 ? 1 : (run.accountsTotal - pending) / run.accountsTotal,
  };
}

/**
 * A run of the month begins: the row is created by the month's first run, and each run (a second
 * one, or one resuming a run that died) counts its own progress on it from what it finds billed.
 */
export async function startRunAttempt(
  db: Database,
  t: UtilityTables,
  input: BillingRunInput,
  counts: { accounts: number; unbilled: number },
): Promise<BillingRunRow> {
  const { supplier, period, now } = input;
  // Of this run: a re-run that bills the accounts that failed clears their count.
  const progress = { finishedAt: null, accountsFailed: 0, accountsTotal: counts.accounts, accountsDone: counts.accounts - counts.unbilled };
  const [run] = await db
    .insert(t.billingRuns)
    .values({ supplierId: supplier.id, period: firstDayOf(period), startedAt: now, startedByUserId: input.startedByUserId, ...progress })
    .onConflictDoUpdate({ target: [t.billingRuns.supplierId, t.billingRuns.period], set: progress })
    .returning();
  return run!;
}

/**
 * A batch's counts, added in the batch's own transaction, with the run's lease renewed in the same
 * statement (lease.ts says why under the batch's lock). A lease taken over stops the run: throws.
 */
export async function recordBatch(
  tx: Transaction,
  t: UtilityTables,
  run: { id: string; supplier: SupplierRow; lease: BillingLease },
  batch: { accounts: number; billsIssued: number; estimatedMeters: number; accountsFailed: number },
): Promise<BillingRunRow> {
  const runs = t.billingRuns;
  const renewed = tx.$with('renewed').as(leaseRenewal(tx, t, run.lease));
  const [recorded] = await tx
    .with(renewed)
    .update(runs)
    .set({
      accountsDone: sql`${runs.accountsDone} + ${batch.accounts}`,
      billsIssued: sql`${runs.billsIssued} + ${batch.billsIssued}`,
      estimatedMeters: sql`${runs.estimatedMeters} + ${batch.estimatedMeters}`,
      accountsFailed: sql`${runs.accountsFailed} + ${batch.accountsFailed}`,
    })
    .where(and(eq(runs.id, run.id), sql`exists (select 1 from ${renewed})`))
    .returning();
  if (!recorded) throw await leaseLost(tx, t, run.supplier, run.lease);
  return recorded;
}

/** The run is done: marked finished, and its lease released in the same statement. */
export async function finishRun(db: Database, t: UtilityTables, run: { id: string; lease: BillingLease }, now: Date): Promise<BillingRunRow> {
  const released = db.$with('released').as(leaseRelease(db, t, run.lease).returning({ holder: t.billingLeases.holder }));
  const [finished] = await db.with(released).update(t.billingRuns).set({ finishedAt: now }).where(eq(t.billingRuns.id, run.id)).returning();
  return finished!;
}
