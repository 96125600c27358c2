import type { Database } from '@kabinet/db';
import { Big, formatMinor, formatQuantity } from '@kabinet/money';
import { asc, eq } from 'drizzle-orm';
import { printedAdvance } from '../consumption';
import { zoneLabels } from '../labels';
import type { MeterZone } from '../meters';
import type { UtilityTables } from '../tables';
import type { BillDocument } from './document';

const quantity = (value: string | null) => (value === null ? null : formatQuantity(new Big(value)));

/** A bill's reading of one meter zone as shown (API and PDF): values as stored, consumption as the meter's advance. */
export function shownReading(row: { previousValue: string; currentValue: string; estimated: boolean }, digits: number) {
  const previous = new Big(row.previousValue);
  const current = new Big(row.currentValue);
  return {
    previous: formatQuantity(previous),
    current: formatQuantity(current),
    consumption: formatQuantity(printedAdvance(previous, current, digits)),
    estimated: row.estimated,
  };
}

/** Everything printed on a stored bill, as it was issued: amounts, lines and readings stored then, and who it was issued to. */
export async function loadBillDocument(
  db: Database,
  t: UtilityTables,
  options: { billId: string; utility: BillDocument['utility']; unitOf(zone: MeterZone): string },
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
      .select({ row: t.billConsumption, serialNumber: t.meters.serialNumber, digits: t.meters.digits })
      .from(t.billConsumption)
      .innerJoin(t.meters, eq(t.meters.id, t.billConsumption.meterId))
      .where(eq(t.billConsumption.billId, bill.id))
      .orderBy(asc(t.meters.serialNumber), asc(t.billConsumption.zone)),
  ]);
  const amount = (minor: number) => formatMinor(minor, bill.currency);

  return {
    utility: options.utility,
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
    meterReadings: readings.map(({ row, serialNumber, digits }) => ({
      serialNumber,
      zone: zoneLabels[row.zone as MeterZone] ?? row.zone,
      ...shownReading(row, digits),
      unit: options.unitOf(row.zone as MeterZone),
    })),
    // The VAT line is printed in the totals, not among the charges.
    lines: lines
      .filter((line) => line.kind !== 'VAT')
      .map((line) => ({
        description: line.description,
        quantity: quantity(line.quantity),
        unit: line.unit,
        unitPrice: line.unitPrice === null ? null : formatQuantity(new Big(line.unitPrice), 6),
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
