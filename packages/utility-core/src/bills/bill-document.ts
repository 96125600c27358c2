import type { Database } from '@kabinet/db';
import { Big, formatMinor, formatQuantity, formatUnitPrice } from '@kabinet/money';
import { asc, eq, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import type { UtilityRules } from '../billing/run';
import type { UtilityTables } from '../tables';
import type { BillDocument } from './document';

const quantity = (value: string | null) => (value === null ? null : formatQuantity(new Big(value)));

/**
 * For a bill's meter zone row (`t.billConsumption` in the query it is selected from): what the
 * bill's real reading corrected of that zone's earlier estimates, actual minus estimated.
 */
export function estimatesCorrectedBy(t: UtilityTables) {
  const corrected = alias(t.billConsumption, 'corrected');
  // (An aliased table renders as its bare alias in `sql`, so the FROM names the table itself.)
  return sql<string>`(select coalesce(sum(${corrected.correctedConsumption} - ${corrected.consumption}), 0) from ${t.billConsumption} as ${sql.identifier('corrected')}
    where ${corrected.correctedByBillId} = ${t.billConsumption.billId} and ${corrected.meterId} = ${t.billConsumption.meterId} and ${corrected.zone} = ${t.billConsumption.zone})`;
}

/**
 * A bill's reading of one meter zone as shown (API and PDF): values as stored, consumption as the
 * meter's advance from the previous bill's value (estimated or not): this month's charged share
 * plus the corrections of the estimates in between, so it adds up with the bill's lines. An
 * estimate that overshot gives a negative advance, and one that passed a meter's last digit
 * counts as far as it went, as the charges do.
 */
export function shownReading(row: { previousValue: string; currentValue: string; consumption: string; estimated: boolean; estimatesCorrected: string }) {
  return {
    previous: formatQuantity(new Big(row.previousValue)),
    current: formatQuantity(new Big(row.currentValue)),
    consumption: formatQuantity(new Big(row.consumption).plus(row.estimatesCorrected)),
    estimated: row.estimated,
  };
}

/** What a utility's bills call things: what it bills for, its zones, its units. */
export type BillWording = Pick<UtilityRules, 'billedFor' | 'zoneLabels' | 'unitOf'>;

/** Everything printed on a stored bill, as it was issued: amounts, lines and readings stored then, and who it was issued to. */
export async function loadBillDocument(
  db: Database,
  t: UtilityTables,
  options: { billId: string; wording: BillWording },
): Promise<BillDocument | null> {
  const [found] = await db
    .select({ bill: t.bills, accountNumber: t.accounts.accountNumber })
    .from(t.bills)
    .innerJoin(t.accounts, eq(t.accounts.id, t.bills.accountId))
    .where(eq(t.bills.id, options.billId));
  if (!found) return null;
  const { bill, accountNumber } = found;
  const recipient = bill.issuedTo;
  const [lines, readings] = await Promise.all([
    db.select().from(t.billLines).where(eq(t.billLines.billId, bill.id)).orderBy(asc(t.billLines.position)),
    db
      .select({ row: t.billConsumption, serialNumber: t.meters.serialNumber, estimatesCorrected: estimatesCorrectedBy(t) })
      .from(t.billConsumption)
      .innerJoin(t.meters, eq(t.meters.id, t.billConsumption.meterId))
      .where(eq(t.billConsumption.billId, bill.id))
      .orderBy(asc(t.meters.serialNumber), asc(t.billConsumption.zone)),
  ]);
  const amount = (minor: number) => formatMinor(minor, bill.currency);

  return {
    title: `Рахунок за ${options.wording.billedFor}`,
    supplier: { name: recipient.supplierName },
    account: {
      number: accountNumber,
      holderName: recipient.holderName,
      address: recipient.address,
      kind: recipient.accountKind,
      contractNumber: recipient.contractNumber,
    },
    period: bill.period.slice(0, 7),
    issuedOn: bill.issuedOn,
    dueDate: bill.dueDate,
    receiptCode: bill.receiptCode,
    currency: bill.currency,
    meterReadings: readings.map(({ row, serialNumber, estimatesCorrected }) => ({
      serialNumber,
      zone: options.wording.zoneLabels[row.zone] ?? row.zone,
      ...shownReading({ ...row, estimatesCorrected }),
      unit: options.wording.unitOf(row.zone).uk,
    })),
    // The VAT line is printed in the totals, not among the charges.
    lines: lines
      .filter((line) => line.kind !== 'VAT')
      .map((line) => ({
        description: line.description,
        quantity: quantity(line.quantity),
        unit: line.unit,
        unitPrice: line.unitPrice === null ? null : formatUnitPrice(new Big(line.unitPrice)),
        amount: amount(line.amountMinor),
      })),
    totals: {
      opening: amount(bill.openingMinor),
      charges: amount(bill.chargesMinor),
      vat: recipient.vatRateBasisPoints === null ? null : { ratePercent: String(recipient.vatRateBasisPoints / 100), amount: amount(bill.vatMinor) },
      corrections: amount(bill.correctionsMinor),
      payments: amount(bill.paymentsMinor),
      adjustments: amount(bill.adjustmentsMinor),
      amountDue: amount(bill.amountDueMinor),
    },
  };
}
