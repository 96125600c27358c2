import type { Logger } from '@kabinet/config';
import type { Database, Transaction } from '@kabinet/db';
import { DomainError } from '@kabinet/errors';
import { Big } from '@kabinet/money';
import { and, desc, eq, gte, inArray, lt, lte, notExists, sql } from 'drizzle-orm';
import { addDays, firstDayOf, isPeriod, periodOf, startOfLocalDate, type LocalDate, type Period } from '../calendar';
import { periodLabel } from '../labels';
import { claimForStatement, postBillEntries, unclaimedEntries, type BillEntry } from '../ledger';
import type { AccountRow } from '../tables';
import type { MeterZone } from '../meters';
import { messages } from '../messages';
import { readingWindowOf } from '../reading-windows';
import { supplierToday, windowRuleOf, type SupplierRow } from '../suppliers';
import type { UtilityTables } from '../tables';
import { accountBasis, type BasisMeter, type BasisReading, type BilledConsumption } from './basis';
import { computeCharges, pricerOf, vatRateOf, type ChargeSource, type ComputedCharges, type PricedLine } from './charges';
import { claimBillingLease, isLeaseLost, releaseBillingLease, renewBillingLease, type BillingLease } from './lease';
import { assertAccountBillableInOrder, assertBillableInOrder, loadBillingOrder } from './order';
import { amountDue, newReceiptCode, splitEntries } from './statement';

type Executor = Database | Transaction;

/** True when `zones` is exactly one of the utility's meter zone sets (in any order). */
export function isMeterZoneSet(rules: Pick<UtilityRules, 'meterZoneSets'>, zones: readonly string[]): boolean {
  return rules.meterZoneSets.some((set) => set.length === zones.length && set.every((zone) => zones.includes(zone)));
}

/**
 * A supplier's pricing, loaded once (its tariffs and whatever its sources need) for a billing
 * run, a preliminary charge or a quote.
 */
export interface SupplierPricing {
  /** The charge sources of one of its accounts. */
  sourcesOf(account: AccountRow): ChargeSource[];
  /** The estimate of a meter zone with no billed month yet: the supplier's norm for the account, if any. */
  estimateWithoutHistory?(account: AccountRow, zone: MeterZone, period: Period): Big | null;
  /** Refuses (TARIFF_MISSING) when some day of `period` has no tariff for accounts of these kinds. */
  assertCovers(period: Period, accountKinds: string[]): void;
  /** The tariff calculator's net lines: a month's consumption under the tariffs in effect on `today`. */
  quote(input: TariffQuoteRequest, today: LocalDate): { validFrom: LocalDate; lines: PricedLine[] };
}

/** What the tariff calculator prices: a month's consumption, one value per zone of a meter. */
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
  /** Printed unit of a zone's consumption, e.g. `кВт·год`, `Гкал`, `м³`. */
  unitOf(zone: MeterZone): string;
  /** The zone combinations its meters may have (one zone; day and night; ...). */
  meterZoneSets: string[][];
  pricingFor(executor: Executor, supplier: SupplierRow): Promise<SupplierPricing>;
}


export function assertPeriod(period: string): Period {
  if (!isPeriod(period)) throw new DomainError('BAD_USER_INPUT', messages.billingMonthShape(), { field: 'period' });
  return period;
}

/** An account's meters, their readings up to `period`, and what earlier bills charged. */
export async function loadBillingHistory(executor: Executor, t: UtilityTables, accountId: string, period: Period) {
  const meters = await executor.select().from(t.meters).where(eq(t.meters.accountId, accountId));
  const meterIds = meters.map((meter) => meter.id);
  const readingRows = meterIds.length
    ? await executor
        .select()
        .from(t.readings)
        .where(and(inArray(t.readings.meterId, meterIds), lte(t.readings.period, firstDayOf(period))))
    : [];
  const billedRows = await executor
    .select({ row: t.billConsumption, period: t.bills.period })
    .from(t.billConsumption)
    .innerJoin(t.bills, eq(t.bills.id, t.billConsumption.billId))
    .where(and(eq(t.bills.accountId, accountId), lt(t.bills.period, firstDayOf(period))));

  const readings: BasisReading[] = readingRows.map((reading) => ({
    meterId: reading.meterId,
    zone: reading.zone,
    period: periodOf(reading.period),
    value: new Big(reading.value),
    estimated: reading.source === 'ESTIMATE',
  }));
  const billed: BilledConsumption[] = billedRows.map(({ row, period: billPeriod }) => ({
    id: row.id,
    billId: row.billId,
    period: periodOf(billPeriod),
    meterId: row.meterId,
    zone: row.zone,
    consumption: new Big(row.correctedConsumption ?? row.consumption),
    estimated: row.estimated,
    open: row.estimated && row.correctedByBillId === null,
  }));
  return { meters: meters as (BasisMeter & typeof meters[number])[], readings, billed };
}

/**
 * The charges `period` would bring an account, from its stored readings plus `closing`
 * overrides (readings being submitted): the billing run's own computation, shared with the
 * preliminary charge shown when readings are entered (`onlyClosing`: just those zones, priced
 * by the metered sources alone).
 */
export async function chargesFor(
  executor: Executor,
  t: UtilityTables,
  pricing: SupplierPricing,
  supplier: SupplierRow,
  account: AccountRow,
  period: Period,
  closing: BasisReading[] = [],
  onlyClosing = false,
): Promise<ComputedCharges & { basis: ReturnType<typeof accountBasis> }> {
  const history = await loadBillingHistory(executor, t, account.id, period);
  const isClosing = (reading: { meterId: string; zone: string }) =>
    closing.some((override) => override.meterId === reading.meterId && override.zone === reading.zone);
  const readings = [...history.readings.filter((reading) => !(isClosing(reading) && reading.period === period)), ...closing];
  const full = accountBasis(period, history.meters, readings, history.billed, (_meter, zone) => pricing.estimateWithoutHistory?.(account, zone, period) ?? null);
  // The preliminary charge covers only the zones just entered; a billing run covers every meter.
  const basis = onlyClosing
    ? { zones: full.zones.filter((zone) => isClosing({ meterId: zone.meter.id, zone: zone.zone })), corrections: full.corrections.filter(({ row }) => isClosing(row)) }
    : full;
  const pricer = pricerOf(pricing.sourcesOf(account), onlyClosing ? 'metered' : undefined);
  return { ...computeCharges(period, basis, history.billed, history.meters, pricer, vatRateOf(account, supplier)), basis };
}

export interface BillingContext {
  tables: UtilityTables;
  rules: UtilityRules;
  supplier: SupplierRow;
  period: Period;
  runId: string | null;
  now: Date;
}

/**
 * Bills one account for one month, in the caller's transaction: the bill with its lines
 * and readings, the estimated readings, the corrections of earlier estimates, and the ledger
 * entries. Returns null when the month is billed already (a second run bills nothing twice).
 */
export async function issueBill(tx: Transaction, context: BillingContext, accountToBill: AccountRow, pricing: SupplierPricing) {
  const { tables: t, supplier, period, now } = context;
  // The account is locked for the whole bill, and read again under the lock: a meter replacement
  // (which locks it too, see meter-replacement.ts) comes wholly before this bill or wholly after.
  // `no key update` leaves rows that merely reference the account (a payment posted now) free.
  const [account] = await tx.select().from(t.accounts).where(eq(t.accounts.id, accountToBill.id)).for('no key update');
  if (!account) return null;
  // Billed for this month already, or for a later one: a bill is never slipped in behind others.
  const [existing] = await tx
    .select({ id: t.bills.id })
    .from(t.bills)
    .where(and(eq(t.bills.accountId, account.id), gte(t.bills.period, firstDayOf(period))))
    .limit(1);
  if (existing) return null;
  const [previous] = await tx
    .select()
    .from(t.bills)
    .where(and(eq(t.bills.accountId, account.id), lt(t.bills.period, firstDayOf(period))))
    .orderBy(desc(t.bills.period))
    .limit(1);
  assertAccountBillableInOrder(account.accountNumber, period, previous ? periodOf(previous.period) : null);

  const charges = await chargesFor(tx, t, pricing, supplier, account, period);
  const vatRate = vatRateOf(account, supplier);
  // Payments and adjustments on no bill yet: this bill claims them.
  const entries = await unclaimedEntries(tx, t, account.id, now);
  const parts = {
    openingMinor: previous?.amountDueMinor ?? 0,
    chargesMinor: charges.chargesMinor,
    vatMinor: charges.vatMinor,
    correctionsMinor: charges.correctionsMinor,
    ...splitEntries(entries),
  };
  const issuedOn = addDays(supplierToday(supplier, now), 1);
  const issuedAt = startOfLocalDate(issuedOn, supplier.timeZone);

  const [bill] = await tx
    .insert(t.bills)
    .values({
      id: crypto.randomUUID(),
      accountId: account.id,
      runId: context.runId,
      period: firstDayOf(period),
      currency: account.currency,
      cutoffAt: now,
      issuedTo: {
        supplierName: supplier.name,
        holderName: account.holderName || account.holderSurname,
        address: account.address,
        accountKind: account.kind === 'BUSINESS' ? 'BUSINESS' : 'RESIDENTIAL',
        contractNumber: account.contractNumber,
        vatRateBasisPoints: vatRate,
      },
      issuedOn,
      issuedAt,
      dueDate: addDays(issuedOn, supplier.paymentTermDays),
      ...parts,
      amountDueMinor: amountDue(parts),
      receiptCode: newReceiptCode(),
    })
    .onConflictDoNothing()
    .returning();
  if (!bill) return null;
  await claimForStatement(tx, t, entries.map((entry) => entry.id), bill.id);

  const lines = [
    ...charges.lines.map((line) => ({
      kind: 'CHARGE',
      description: line.description,
      zone: line.zone,
      quantity: line.quantity === null ? null : line.quantity.toFixed(3),
      unit: line.quantity === null || line.zone === null ? null : context.rules.unitOf(line.zone),
      unitPrice: line.unitPrice === null ? null : line.unitPrice.toFixed(6),
      amountMinor: line.amountMinor,
      correctedPeriod: null,
    })),
    ...(charges.vatMinor !== 0
      ? [{ kind: 'VAT', description: `ПДВ ${supplier.vatRateBasisPoints / 100}%`, zone: null, quantity: null, unit: null, unitPrice: null, amountMinor: charges.vatMinor, correctedPeriod: null }]
      : []),
    ...charges.corrections.map((correction) => {
      // The quantity re-counted is printed when it is of one unit (electricity always is; heat's Gcal and m³ are not).
      const units = new Set(correction.rows.map(({ row }) => context.rules.unitOf(row.zone as MeterZone)));
      const delta = correction.rows.reduce((sum, { row, actual }) => sum.plus(actual).minus(row.consumption), new Big(0));
      return {
        kind: 'CORRECTION',
        description: `Перерахунок за ${periodLabel(correction.period)}: оцінку замінено фактичним показанням`,
        zone: null,
        quantity: units.size === 1 ? delta.toFixed(3) : null,
        unit: units.size === 1 ? [...units][0]! : null,
        unitPrice: null,
        amountMinor: correction.netMinor + correction.vatMinor,
        correctedPeriod: firstDayOf(correction.period),
      };
    }),
  ];
  if (lines.length) await tx.insert(t.billLines).values(lines.map((line, position) => ({ ...line, billId: bill.id, position })));

  if (charges.basis.zones.length) {
    await tx.insert(t.billConsumption).values(
      charges.basis.zones.map((zone) => ({
        billId: bill.id,
        meterId: zone.meter.id,
        zone: zone.zone,
        previousValue: zone.previousValue.toFixed(3),
        currentValue: zone.currentValue.toFixed(3),
        consumption: zone.consumption.toFixed(3),
        estimated: zone.estimated,
      })),
    );
  }
  const estimated = charges.basis.zones.filter((zone) => zone.estimated);
  if (estimated.length) {
    await tx
      .insert(t.readings)
      .values(
        estimated.map((zone) => ({
          meterId: zone.meter.id,
          zone: zone.zone,
          period: firstDayOf(period),
          value: zone.currentValue.toFixed(3),
          readAt: now,
          source: 'ESTIMATE',
        })),
      )
      .onConflictDoNothing();
  }
  for (const correction of charges.corrections) {
    for (const { row, actual } of correction.rows) {
      await tx
        .update(t.billConsumption)
        .set({ correctedByBillId: bill.id, correctedConsumption: actual.toFixed(3) })
        .where(eq(t.billConsumption.id, row.id));
    }
  }

  const ledger: BillEntry[] = [
    ...(charges.chargesMinor + charges.vatMinor > 0
      ? [{ kind: 'CHARGE' as const, amountMinor: charges.chargesMinor + charges.vatMinor, description: `Нараховано за ${periodLabel(period)}` }]
      : []),
    ...charges.corrections
      .filter((correction) => correction.netMinor + correction.vatMinor !== 0)
      .map((correction) => ({
        kind: 'ADJUSTMENT' as const,
        amountMinor: correction.netMinor + correction.vatMinor,
        description: `Перерахунок за ${periodLabel(correction.period)} за фактичним показанням`,
      })),
  ];
  await postBillEntries(tx, t, { id: bill.id, accountId: account.id, issuedAt }, ledger, now);
  return { bill, estimatedZones: estimated.length };
}

export interface BillingDeps {
  tables: UtilityTables;
  rules: UtilityRules;
  logger?: Logger;
}

export interface BillingRunInput {
  supplier: SupplierRow;
  period: Period;
  startedByUserId: string | null;
  now: Date;
}

/**
 * A supplier's billing run for one month, once its reading window has closed and every earlier
 * month is billed. One run per supplier at a time (billing/lease.ts). Each account is billed in
 * its own transaction; accounts billed already are skipped, so running the month again (or after
 * a crash) bills only the rest.
 */
export async function runBilling(db: Database, deps: BillingDeps, input: BillingRunInput) {
  const { tables: t } = deps;
  const { supplier, period, now } = input;
  const window = readingWindowOf(period, windowRuleOf(supplier));
  if (supplierToday(supplier, now) <= window.closesOn) {
    throw new DomainError('BILLING_PERIOD_OPEN', messages.billingPeriodOpen(period, window.closesOn), {
      period,
      closesOn: window.closesOn,
    });
  }
  // Refused early without taking the lease, and checked again under it (another run may have moved on).
  assertBillableInOrder(supplier, period, await loadBillingOrder(db, t, supplier.id, period));
  const lease = await claimBillingLease(db, t, supplier, period);
  try {
    assertBillableInOrder(supplier, period, await loadBillingOrder(db, t, supplier.id, period));
    return await billAccounts(db, deps, input, lease);
  } finally {
    await releaseBillingLease(db, t, lease);
  }
}

async function billAccounts(db: Database, deps: BillingDeps, input: BillingRunInput, lease: BillingLease) {
  const { tables: t } = deps;
  const { supplier, period, now } = input;

  // Tariffs are checked before anything is written: a missing one refuses the whole run.
  const pricing = await deps.rules.pricingFor(db, supplier);
  const kinds = await db.selectDistinct({ kind: t.accounts.kind }).from(t.accounts).where(eq(t.accounts.supplierId, supplier.id));
  pricing.assertCovers(period, kinds.map(({ kind }) => kind));

  await db
    .insert(t.billingRuns)
    .values({ supplierId: supplier.id, period: firstDayOf(period), startedAt: now, startedByUserId: input.startedByUserId })
    .onConflictDoNothing();
  const [run] = await db
    .select()
    .from(t.billingRuns)
    .where(and(eq(t.billingRuns.supplierId, supplier.id), eq(t.billingRuns.period, firstDayOf(period))));

  const unbilled = await db
    .select()
    .from(t.accounts)
    .where(
      and(
        eq(t.accounts.supplierId, supplier.id),
        notExists(
          db
            .select({ one: sql`1` })
            .from(t.bills)
            .where(and(eq(t.bills.accountId, t.accounts.id), eq(t.bills.period, firstDayOf(period)))),
        ),
      ),
    );

  const context: BillingContext = { tables: t, rules: deps.rules, supplier, period, runId: run!.id, now };
  let billsIssued = 0;
  let estimatedMeters = 0;
  let accountsFailed = 0;
  for (const account of unbilled) {
    try {
      const issued = await db.transaction(async (tx) => {
        await renewBillingLease(tx, t, supplier, lease);
        return issueBill(tx, context, account, pricing);
      });
      if (!issued) continue;
      billsIssued += 1;
      estimatedMeters += issued.estimatedZones;
    } catch (error) {
      if (isLeaseLost(error)) throw error;
      // One account's broken data must not stop the supplier's run: it is counted, logged, and
      // retried when the month is run again.
      accountsFailed += 1;
      deps.logger?.error({ err: error, accountId: account.id, period }, 'account not billed');
    }
  }

  const [finished] = await db
    .update(t.billingRuns)
    .set({
      finishedAt: now,
      billsIssued: sql`${t.billingRuns.billsIssued} + ${billsIssued}`,
      estimatedMeters: sql`${t.billingRuns.estimatedMeters} + ${estimatedMeters}`,
      // Of this run: a re-run that bills them clears the count.
      accountsFailed,
    })
    .where(eq(t.billingRuns.id, run!.id))
    .returning();
  return finished!;
}
