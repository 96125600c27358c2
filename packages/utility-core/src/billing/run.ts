import type { Logger } from '@kabinet/config';
import type { Database, Transaction } from '@kabinet/db';
import { DomainError, type Translations } from '@kabinet/errors';
import type { Big } from '@kabinet/money';
import { and, eq, sql } from 'drizzle-orm';
import { firstDayOf, isPeriod, type LocalDate, type Period } from '../calendar';
import type { MeterZone } from '../meters';
import { messages } from '../messages';
import { readingWindowOf } from '../reading-windows';
import { supplierToday, windowRuleOf, type SupplierRow } from '../suppliers';
import type { AccountRow, UtilityTables } from '../tables';
import type { BasisMeter, BasisReading } from './basis';
import type { ChargeSource, PricedLine } from './charges';
import { issueBills, type BillingContext } from './issue';
import { claimBillingLease, isLeaseLost, releaseBillingLease, type BillingLease } from './lease';
import { assertBillableInOrder, loadBillingOrder } from './order';
import { finishRun, recordBatch, startRunAttempt, type BillingRunRow } from './progress';

export type { BillingContext } from './issue';

type Executor = Database | Transaction;

/** Worked out once per utility: every meter a request shows sorts its readings by it. */
const zoneOrders = new WeakMap<readonly string[][], string[]>();

/**
 * The utility's zones in the order its meters show them, the first of a meter's zones being its
 * main reading: the zones of its meter zone sets in the order they first appear there.
 */
export function zoneOrderOf(rules: Pick<UtilityRules, 'meterZoneSets'>): readonly string[] {
  let order = zoneOrders.get(rules.meterZoneSets);
  if (!order) zoneOrders.set(rules.meterZoneSets, (order = [...new Set(rules.meterZoneSets.flat())]));
  return order;
}

/** `zones` in the utility's order, as a meter stores them whatever order they were entered in. */
export function inZoneOrder(rules: Pick<UtilityRules, 'meterZoneSets'>, zones: readonly string[]): string[] {
  const order = zoneOrderOf(rules);
  return [...zones].sort((a, b) => order.indexOf(a) - order.indexOf(b));
}

/** True when `zones` is exactly one of the utility's meter zone sets (in any order). */
export function isMeterZoneSet(rules: Pick<UtilityRules, 'meterZoneSets'>, zones: readonly string[]): boolean {
  return rules.meterZoneSets.some((set) => set.length === zones.length && set.every((zone) => zones.includes(zone)));
}

/**
 * True when `zones` is what the tariff calculator may price at once: one meter's zones, or, for a
 * utility whose households have several meters priced together (`quotesHousehold`), any of its
 * meters' zone sets side by side, each zone once.
 */
export function isQuotableZoneSet(rules: Pick<UtilityRules, 'meterZoneSets' | 'quotesHousehold'>, zones: readonly string[]): boolean {
  if (!rules.quotesHousehold) return isMeterZoneSet(rules, zones);
  if (!zones.length || new Set(zones).size !== zones.length) return false;
  // The zones split exactly into whole sets (zone sets may share a zone, as electricity's NIGHT).
  const splits = (rest: readonly string[]): boolean =>
    rest.length === 0 ||
    rules.meterZoneSets.some((set) => set.includes(rest[0]!) && set.every((zone) => rest.includes(zone)) && splits(rest.filter((zone) => !set.includes(zone))));
  return splits(zones);
}

/**
 * A supplier's pricing, loaded once (its tariffs and whatever its sources need) for a billing
 * run, a preliminary charge or a quote.
 */
export interface SupplierPricing {
  /** The charge sources of one of its accounts. */
  sourcesOf(account: AccountRow): ChargeSource[];
  /**
   * The estimate of a meter zone with no billed month yet: the supplier's norm for the account, if
   * any, for the days of `period` the meter served (a meter installed on the 28th serves 4 of 31).
   */
  estimateWithoutHistory?(account: AccountRow, zone: MeterZone, period: Period, meter: BasisMeter): Big | null;
  /** Refuses (TARIFF_MISSING) when some day of `period` has no tariff for accounts of these kinds. */
  assertCovers(period: Period, accountKinds: string[]): void;
  /**
   * Refuses a run up front when what the supplier itself must enter before billing is missing for
   * some of these accounts (heat: a building meter's reading for the month), so that nothing of
   * the month is billed on half the data.
   */
  assertReady?(period: Period, accountIds: readonly string[]): void;
  /**
   * Records, in the batch's transaction and a fixed number of statements, what the utility's own
   * sources need to know of the bills just issued for `period` (heat: the metered Gcal each
   * building share was worked out with, for the month and for the months its revisions corrected).
   */
  recordIssued?(tx: Transaction, period: Period, bills: { billId: string; account: AccountRow }[]): Promise<void>;
  /** The tariff calculator's net lines: a month's consumption under the tariffs in effect on `today`. */
  quote(input: TariffQuoteRequest, today: LocalDate): { validFrom: LocalDate; lines: PricedLine[] };
}

/** What the tariff calculator prices: a month's consumption, one value per zone (`isQuotableZoneSet`). */
export interface TariffQuoteRequest {
  accountKind: string;
  consumption: { zone: MeterZone; quantity: Big }[];
}

/** What a utility brings to the shared cabinet: its words, its meters and how its accounts are charged. */
export interface UtilityRules {
  /** The subgraph's name (`electricity`, `heat`): in links to its bills and e-receipt pages. */
  utility: string;
  /** What a bill is for, after "Рахунок за": `електроенергію`. */
  billedFor: string;
  /** Printed names of its meter zones: `День`, `Ніч`, `Тепло`. */
  zoneLabels: Partial<Record<MeterZone, string>>;
  /**
   * A zone's unit in each language: bills print the Ukrainian one (`кВт·год`, `Гкал`, `м³`),
   * messages the request's (`kWh`, `Gcal`).
   */
  unitOf(zone: MeterZone): Translations;
  /** The zone combinations its meters may have (one zone; day and night; ...). */
  meterZoneSets: string[][];
  /**
   * The tariff calculator prices a household's month: several of its meters' zone sets at once
   * (heat and hot water), the monthly fee once. Without it, one meter's zones.
   */
  quotesHousehold?: boolean;
  /**
   * The supplier's prices. `accountIds`: the only accounts that will be priced (a submission's
   * one, none for a quote), so that what a utility reads per account is read for those alone;
   * without it, any account of the supplier (a billing run).
   */
  pricingFor(executor: Executor, supplier: SupplierRow, accountIds?: readonly string[]): Promise<SupplierPricing>;
}


export function assertPeriod(period: string): Period {
  if (!isPeriod(period)) throw new DomainError('BAD_USER_INPUT', messages.billingMonthShape(), { field: 'period' });
  return period;
}

export interface BillingDeps {
  tables: UtilityTables;
  rules: UtilityRules;
  logger?: Logger;
  /** Accounts billed in one transaction (1000 unless said). */
  batchSize?: number;
  /** Batches billed at once, each on a connection of its own (2 unless said); PGlite runs one transaction at a time whatever this says. */
  concurrency?: number;
  /** Told when the run starts and after each batch commits, with the run as it stands (the billing command's progress bar). */
  onProgress?: (run: BillingRunRow) => void;
  /** Told of each account the run could not bill, and why (besides the log): what the operator is shown. */
  onAccountFailed?: (accountId: string, error: unknown) => void;
}

export interface BillingRunInput {
  supplier: SupplierRow;
  period: Period;
  startedByUserId: string | null;
  now: Date;
}

/**
 * A supplier's billing run for one month, once its reading window has closed and every earlier
 * month is billed. One run per supplier at a time (billing/lease.ts). Accounts are billed in
 * batches, each in its own transaction with the run's progress (`progress.ts`), several batches
 * at once; accounts billed already are skipped, so running the month again (or after a crash)
 * bills only the rest.
 */
export async function runBilling(db: Database, deps: BillingDeps, input: BillingRunInput): Promise<BillingRunRow> {
  const { tables: t } = deps;
  const { supplier, period, now } = input;
  const window = readingWindowOf(period, windowRuleOf(supplier));
  if (supplierToday(supplier, now) <= window.closesOn) {
    throw new DomainError('BILLING_PERIOD_OPEN', messages.billingPeriodOpen(period, window.closesOn), {
      period,
      closesOn: window.closesOn,
    });
  }
  const lease = await claimBillingLease(db, t, supplier, period).catch(async (error: unknown) => {
    // Refused for its order rather than for the other run when both hold: the order is what the operator must mend.
    if (isLeaseLost(error)) assertBillableInOrder(supplier, period, await loadBillingOrder(db, t, supplier.id, period));
    throw error;
  });
  // Checked under the lease: no other run can move the supplier's months on meanwhile.
  let released = false;
  try {
    assertBillableInOrder(supplier, period, await loadBillingOrder(db, t, supplier.id, period));
    const run = await billAccounts(db, deps, input, lease);
    const finished = await finishRun(db, t, { id: run.id, lease }, now);
    released = true;
    return finished;
  } finally {
    if (!released) await releaseBillingLease(db, t, lease);
  }
}

async function billAccounts(db: Database, deps: BillingDeps, input: BillingRunInput, lease: BillingLease): Promise<BillingRunRow> {
  const { tables: t, logger } = deps;
  const { supplier, period, now } = input;
  const batchSize = deps.batchSize ?? 1000;
  const concurrency = deps.concurrency ?? 2;

  // The supplier's accounts, their kinds and which of them the month has billed, in one snapshot.
  const accounts = await db
    .select({ id: t.accounts.id, kind: t.accounts.kind, billId: t.bills.id })
    .from(t.accounts)
    .leftJoin(t.bills, and(eq(t.bills.accountId, t.accounts.id), eq(t.bills.period, firstDayOf(period))))
    .where(eq(t.accounts.supplierId, supplier.id))
    .orderBy(t.accounts.id);
  // Tariffs and the supplier's own data are checked before anything is written: a gap refuses the
  // whole run, rather than failing the accounts it touches and leaving the month half billed.
  const pricing = await deps.rules.pricingFor(db, supplier);
  pricing.assertCovers(period, [...new Set(accounts.map(({ kind }) => kind))]);
  const unbilled = accounts.filter((account) => account.billId === null).map((account) => account.id);
  pricing.assertReady?.(period, unbilled);
  const run = await startRunAttempt(db, t, input, { accounts: accounts.length, unbilled: unbilled.length });
  deps.onProgress?.(run);

  const context: BillingContext = { tables: t, rules: deps.rules, supplier, period, runId: run.id, now };
  const underLease = { id: run.id, supplier, lease };
  const logFailed = (accountId: string, error: unknown) => {
    logger?.error({ err: error, accountId, period }, 'account not billed');
    deps.onAccountFailed?.(accountId, error);
  };

  /** One batch in one transaction: its bills, the run's progress, and the lease renewed under its lock until the commit. */
  const commitBatch = (ids: readonly string[]) =>
    db.transaction(async (tx) => {
      // A batch reads its accounts' rows by key (their meters, readings, bills and ledger entries:
      // a thousand accounts' of a supplier's hundred thousand, scattered over the tables). Priced at
      // the default cost of a random read (4, a spinning disk's), that looked dearer to the planner
      // than reading the whole tables, which it did, in parallel workers: each batch cost as much as
      // the tables were big (at 100,000 accounts, three times its lookups by index). The pages a run
      // reads are in memory, so the batch prices a random read as one from memory (as for SSDs).
      await tx.execute(sql`set local random_page_cost = 1.1`);
      const issued = await issueBills(tx, context, ids, pricing);
      const progress = await recordBatch(tx, t, underLease, {
        accounts: ids.length,
        billsIssued: issued.billsIssued,
        estimatedMeters: issued.estimatedMeters,
        accountsFailed: issued.failed.length,
      });
      return { issued, progress };
    });

  /**
   * A batch whose transaction failed is billed again account by account, so that one account's
   * data cannot stop the others; an account failing alone is counted, logged, and retried when the
   * month is run again. A lost lease stops the run.
   */
  const billBatch = async (ids: readonly string[]): Promise<BillingRunRow> => {
    try {
      const { issued, progress } = await commitBatch(ids);
      for (const { accountId, error } of issued.failed) logFailed(accountId, error);
      return progress;
    } catch (error) {
      if (isLeaseLost(error)) throw error;
      if (ids.length > 1) {
        let progress = run;
        for (const id of ids) progress = await billBatch([id]);
        return progress;
      }
      logFailed(ids[0]!, error);
      return db.transaction((tx) => recordBatch(tx, t, underLease, { accounts: 1, billsIssued: 0, estimatedMeters: 0, accountsFailed: 1 }));
    }
  };

  // Workers take the next batch until none is left, or one of them fails and the run stops.
  const batches = chunk(unbilled, batchSize);
  let next = 0;
  let stopped: { error: unknown } | null = null;
  const worker = async () => {
    while (!stopped && next < batches.length) {
      const batch = batches[next++]!;
      try {
        const progress = await billBatch(batch);
        deps.onProgress?.(progress);
      } catch (error) {
        stopped ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, batches.length) }, worker));
  if (stopped) throw (stopped as { error: unknown }).error;
  return run;
}

const chunk = <T>(items: T[], size: number): T[][] => Array.from({ length: Math.ceil(items.length / size) }, (_, index) => items.slice(index * size, (index + 1) * size));
