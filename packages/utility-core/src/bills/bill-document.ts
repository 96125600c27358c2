import type { Database } from '@kabinet/db';
import { Big, formatMinor, formatQuantity } from '@kabinet/money';
import { asc, eq } from 'drizzle-orm';
import { printedAdvance } from '../consumption';
import { zoneLabels } from '../labels';
import type { MeterZone } from '../meters';
import type { UtilityTables } from '../tables';
import type { BillDocument } from './document';

const quantity = (value: string | null) => (value === null ? null : formatQuantity(new Big(value)));

/** Everything printed on a stored bill, read from the database as it was issued. */
export async function loadBillDocument(
  db: Database,
  t: UtilityTables,
  options: { billId: string; utility: BillDocument['utility']; unitOf(zone: MeterZone): string },
): Promise<BillDocument | null> {
  const [found] = await db
    .select({ bill: t.bills, account: t.accounts, supplier: t.suppliers })
    .from(t.bills)
    .innerJoin(t.accounts, eq(t.accounts.id, t.bills.accountId))
    .innerJoin(t.suppliers, eq(t.suppliers.id, t.accounts.supplierId))
    .where(eq(t.bills.id, options.billId));
  if (!found) return null;
  const { bill, account, supplier } = found;
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
    supplier: { name: supplier.name },
    account: {
      number: account.accountNumber,
      holderName: account.holderName || account.holderSurname,
      address: account.address,
      kind: account.kind === 'BUSINESS' ? 'BUSINESS' : 'RESIDENTIAL',
      contractNumber: account.contractNumber,
    },
    period: bill.period.slice(0, 7),
    issuedOn: bill.issuedOn,
    dueDate: bill.dueDate,
    receiptCode: bill.receiptCode,
    currency: bill.currency,
    meterReadings: readings.map(({ row, serialNumber, digits }) => ({
      serialNumber,
      zone: zoneLabels[row.zone as MeterZone] ?? row.zone,
      previous: formatQuantity(new Big(row.previousValue)),
      current: formatQuantity(new Big(row.currentValue)),
      consumption: formatQuantity(printedAdvance(new Big(row.previousValue), new Big(row.currentValue), digits)),
      unit: options.unitOf(row.zone as MeterZone),
      estimated: row.estimated,
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
      vat: account.kind === 'BUSINESS' ? { ratePercent: String(supplier.vatRateBasisPoints / 100), amount: amount(bill.vatMinor) } : null,
      corrections: amount(bill.correctionsMinor),
      payments: amount(bill.paymentsMinor),
      adjustments: amount(bill.adjustmentsMinor),
      amountDue: amount(bill.amountDueMinor),
    },
  };
}
