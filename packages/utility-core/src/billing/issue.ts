import { anyOf, insertRows, newRowId, updateRows, type Transaction } from '@kabinet/db';
import { Big } from '@kabinet/money';
import { desc } from 'drizzle-orm';
import { addDays, firstDayOf, periodOf, startOfLocalDate, type Period } from '../calendar';
import { periodLabel } from '../labels';
import { claimForStatements, postBillEntries, unclaimedEntries, type BillEntry } from '../ledger';
import { supplierToday, type SupplierRow } from '../suppliers';
import type { AccountRow, UtilityTables } from '../tables';
import { accountCharges, vatRateOf, type PeriodCorrection } from './charges';
import { loadBillingHistories, type BillingHistory } from './history';
import { assertAccountBillableInOrder } from './order';
import type { SupplierPricing, UtilityRules } from './run';
import { amountDue, newReceiptCode, splitEntries } from './statement';

export interface BillingContext {
  tables: UtilityTables;
  rules: UtilityRules;
  supplier: SupplierRow;
  period: Period;
  runId: string | null;
  now: Date;
}

/** What billing a batch of accounts came to. */
export interface IssuedBills {
  billsIssued: number;
  /** Meter zones billed on an estimate. */
  estimatedMeters: number;
  /** Accounts whose data stopped their bill (a reading below the last, a month unbilled before): nothing of theirs was written. */
  failed: { accountId: string; error: unknown }[];
}

type Tables = UtilityTables;
type Entry = Awaited<ReturnType<typeof unclaimedEntries>>[number];

/** One account's bill and everything it writes, computed before anything is written. */
interface PlannedBill {
  account: AccountRow;
  bill: Tables['bills']['$inferInsert'] & { id: string; accountId: string; issuedAt: Date };
  claimed: Entry[];
  lines: Tables['billLines']['$inferInsert'][];
  consumption: Tables['billConsumption']['$inferInsert'][];
  estimates: Tables['readings']['$inferInsert'][];
  corrections: { id: string; correctedByBillId: string; correctedConsumption: string }[];
  ledger: BillEntry[];
}

/**
 * Bills a batch of accounts for one month in the caller's transaction, in a fixed number of
 * statements however many accounts: the bills with their lines and readings, the estimated
 * readings, the corrections of earlier estimates, the ledger entries, and the claims of the
 * payments and adjustments each bill's statement shows. Accounts billed for this month (or a
 * later one) already are left alone, so a month run again, or after a crash, bills only the rest.
 *
 * The accounts are locked for the whole batch and read again under the lock: a meter replacement
 * (which locks its account too, see meter-replacement.ts) comes wholly before an account's bill or
 * wholly after. `no key update` leaves rows that merely reference an account (a payment posted
 * now) free. An account whose own data stops its bill is reported in `failed` and the rest are
 * billed; an error of the database fails the whole batch (the caller retries its accounts one by one).
 */
export async function issueBills(tx: Transaction, context: BillingContext, accountIds: readonly string[], pricing: SupplierPricing): Promise<IssuedBills> {
  const { tables: t, supplier, period, now } = context;
  const accounts = await tx.select().from(t.accounts).where(anyOf(t.accounts.id, accountIds)).orderBy(t.accounts.id).for('no key update');
  const latestBills = await tx
    .selectDistinctOn([t.bills.accountId], { accountId: t.bills.accountId, period: t.bills.period, amountDueMinor: t.bills.amountDueMinor })
    .from(t.bills)
    .where(anyOf(t.bills.accountId, accountIds))
    .orderBy(t.bills.accountId, desc(t.bills.period));
  const latestOf = new Map(latestBills.map((bill) => [bill.accountId, bill]));

  const failed: IssuedBills['failed'] = [];
  // Billed for this month already, or for a later one: a bill is never slipped in behind others.
  const toBill = accounts.filter((account) => {
    const latest = latestOf.get(account.id);
    if (latest && periodOf(latest.period) >= period) return false;
    try {
      assertAccountBillableInOrder(account.accountNumber, period, latest ? periodOf(latest.period) : null);
      return true;
    } catch (error) {
      failed.push({ accountId: account.id, error });
      return false;
    }
  });
  const ids = toBill.map((account) => account.id);
  const histories = await loadBillingHistories(tx, t, ids, period);
  // Payments and adjustments on no bill yet: each bill claims its account's.
  const entriesOf = new Map<string, Entry[]>(ids.map((id) => [id, []]));
  for (const entry of await unclaimedEntries(tx, t, ids, now)) entriesOf.get(entry.accountId)!.push(entry);

  const issuedOn = addDays(supplierToday(supplier, now), 1);
  const dates = { issuedOn, issuedAt: startOfLocalDate(issuedOn, supplier.timeZone), dueDate: addDays(issuedOn, supplier.paymentTermDays) };
  const planned: PlannedBill[] = [];
  for (const account of toBill) {
    try {
      const opening = latestOf.get(account.id)?.amountDueMinor ?? 0;
      planned.push(planBill(context, account, histories.get(account.id)!, entriesOf.get(account.id)!, opening, dates, pricing));
    } catch (error) {
      failed.push({ accountId: account.id, error });
    }
  }

  // A bill refused by a unique key (one for the month came in meanwhile) writes nothing else.
  const inserted = new Set(await insertRows(tx, t.bills, planned.map((plan) => plan.bill), { onConflictDoNothing: true }));
  const issued = planned.filter((plan) => inserted.has(plan.bill.id));
  await claimForStatements(tx, t, issued.flatMap((plan) => plan.claimed.map((entry) => ({ entryId: entry.id, billId: plan.bill.id }))));
  await insertRows(tx, t.billLines, issued.flatMap((plan) => plan.lines));
  await insertRows(tx, t.billConsumption, issued.flatMap((plan) => plan.consumption));
  await insertRows(tx, t.readings, issued.flatMap((plan) => plan.estimates), { onConflictDoNothing: true });
  await updateRows(tx, t.billConsumption, 'id', issued.flatMap((plan) => plan.corrections));
  await pricing.recordIssued?.(tx, period, issued.map((plan) => ({ billId: plan.bill.id, account: plan.account })));
  await postBillEntries(tx, t, issued.map((plan) => ({ bill: plan.bill, entries: plan.ledger })), now);
  return { billsIssued: issued.length, estimatedMeters: issued.reduce((sum, plan) => sum + plan.estimates.length, 0), failed };
}

/** One account's bill for the month, from its history and the entries it claims: computed, nothing written. */
function planBill(
  context: BillingContext,
  account: AccountRow,
  history: BillingHistory,
  claimed: Entry[],
  openingMinor: number,
  dates: { issuedOn: string; issuedAt: Date; dueDate: string },
  pricing: SupplierPricing,
): PlannedBill {
  const { supplier, period, now, rules } = context;
  const charges = accountCharges(history, pricing, supplier, account, period);
  const vatRate = vatRateOf(account, supplier);
  const parts = {
    openingMinor,
    chargesMinor: charges.chargesMinor,
    vatMinor: charges.vatMinor,
    correctionsMinor: charges.correctionsMinor,
    ...splitEntries(claimed),
  };
  const billId = newRowId();
  const bill = {
    id: billId,
    accountId: account.id,
    runId: context.runId,
    period: firstDayOf(period),
    currency: account.currency,
    cutoffAt: now,
    issuedTo: {
      supplierName: supplier.name,
      holderName: account.holderName || account.holderSurname,
      address: account.address,
      accountKind: account.kind === 'BUSINESS' ? ('BUSINESS' as const) : ('RESIDENTIAL' as const),
      contractNumber: account.contractNumber,
      vatRateBasisPoints: vatRate,
    },
    ...dates,
    ...parts,
    amountDueMinor: amountDue(parts),
    receiptCode: newReceiptCode(),
  };

  const lines = [
    ...charges.lines.map((line) => ({
      kind: 'CHARGE',
      description: line.description,
      zone: line.zone,
      quantity: line.quantity === null ? null : line.quantity.toFixed(3),
      unit: line.quantity === null || line.zone === null ? null : rules.unitOf(line.zone).uk,
      unitPrice: line.unitPrice === null ? null : line.unitPrice.toFixed(6),
      amountMinor: line.amountMinor,
      correctedPeriod: null,
    })),
    ...(charges.vatMinor !== 0
      ? [{ kind: 'VAT', description: `ПДВ ${supplier.vatRateBasisPoints / 100}%`, zone: null, quantity: null, unit: null, unitPrice: null, amountMinor: charges.vatMinor, correctedPeriod: null }]
      : []),
    ...charges.corrections.map((correction) => {
      // The quantity re-counted is printed when it is of one unit (electricity always is; heat's Gcal and m³ are not).
      const revisedLines = correction.revisions.flatMap((revision) => [
        ...revision.now.map((line) => ({ zone: line.zone, quantity: line.quantity })),
        ...revision.billed.map((line) => ({ zone: line.zone, quantity: line.quantity?.neg() ?? null })),
      ]);
      const units = new Set([
        ...correction.rows.map(({ row }) => rules.unitOf(row.zone).uk),
        ...revisedLines.map((line) => (line.zone === null || line.quantity === null ? null : rules.unitOf(line.zone).uk)),
      ]);
      const delta = [
        ...correction.rows.map(({ row, actual }) => actual.minus(row.consumption)),
        ...revisedLines.map((line) => line.quantity ?? new Big(0)),
      ].reduce((sum, quantity) => sum.plus(quantity), new Big(0));
      // A month re-counted in one zone without a meter (a building's share) names it: the month's
      // consumption history adds the line to the zone's quantity there. A meter's corrected
      // consumption is kept on its own row.
      const revisedZones = new Set(revisedLines.map((line) => line.zone));
      const zone = correction.rows.length === 0 && revisedZones.size === 1 ? [...revisedZones][0]! : null;
      return {
        kind: 'CORRECTION',
        description: `Перерахунок за ${periodLabel(correction.period)}: ${correctionReasons(correction).join('; ')}`,
        zone,
        quantity: units.size === 1 ? delta.toFixed(3) : null,
        unit: units.size === 1 ? [...units][0]! : null,
        unitPrice: null,
        amountMinor: correction.netMinor + correction.vatMinor,
        correctedPeriod: firstDayOf(correction.period),
      };
    }),
  ].map((line, position) => ({ id: newRowId(), billId, position, ...line }));

  // Every row made here has its id from `newRowId` (time-ordered), not from the tables' default
  // (random): thousands a run, each would go to a random page of its primary-key index.
  const consumption = charges.basis.zones.map((zone) => ({
    id: newRowId(),
    billId,
    meterId: zone.meter.id,
    zone: zone.zone,
    previousValue: zone.previousValue.toFixed(3),
    currentValue: zone.currentValue.toFixed(3),
    consumption: zone.consumption.toFixed(3),
    estimated: zone.estimated,
  }));
  const estimates = charges.basis.zones
    .filter((zone) => zone.estimated)
    .map((zone) => ({
      id: newRowId(),
      meterId: zone.meter.id,
      zone: zone.zone,
      period: firstDayOf(period),
      value: zone.currentValue.toFixed(3),
      readAt: now,
      source: 'ESTIMATE',
    }));
  const corrections = charges.corrections.flatMap((correction) =>
    correction.rows.map(({ row, actual }) => ({ id: row.id, correctedByBillId: billId, correctedConsumption: actual.toFixed(3) })),
  );

  const ledger: BillEntry[] = [
    ...(charges.chargesMinor + charges.vatMinor > 0
      ? [{ kind: 'CHARGE' as const, amountMinor: charges.chargesMinor + charges.vatMinor, description: `Нараховано за ${periodLabel(period)}` }]
      : []),
    ...charges.corrections
      .filter((correction) => correction.netMinor + correction.vatMinor !== 0)
      .map((correction) => ({
        kind: 'ADJUSTMENT' as const,
        amountMinor: correction.netMinor + correction.vatMinor,
        description: correction.revisions.length
          ? `Перерахунок за ${periodLabel(correction.period)}: ${correctionReasons(correction).join('; ')}`
          : `Перерахунок за ${periodLabel(correction.period)} за фактичним показанням`,
      })),
  ];
  return { account, bill, claimed, lines, consumption, estimates, corrections, ledger };
}

/** Why a month is corrected, as its line says: a real reading replaced its estimate, a source's month was revised, or both. */
const correctionReasons = (correction: PeriodCorrection) => [
  ...(correction.rows.length ? ['оцінку замінено фактичним показанням'] : []),
  ...correction.revisions.map((revision) => revision.reason),
];
