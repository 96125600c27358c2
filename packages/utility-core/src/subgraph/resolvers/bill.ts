import { Big, formatQuantity, money } from '@kabinet/money';
import type { Scoped } from '../../access';
import { shownReading } from '../../bills/bill-document';
import { billPdfPath } from '../bill-files';
import type { UtilityContext } from '../context';
import type { BillRow } from '../../tables';

const quantity = (value: string | null) => (value === null ? null : formatQuantity(new Big(value)));

export const billResolvers = {
  period: (bill: BillRow) => bill.period.slice(0, 7),
  openingBalance: (bill: BillRow) => money(bill.openingMinor, bill.currency),
  charges: (bill: BillRow) => money(bill.chargesMinor, bill.currency),
  /** Business accounts' bills carry VAT (0.00 when there was nothing to charge); residential ones none. */
  vat: (bill: BillRow) => (bill.issuedTo.vatRateBasisPoints === null ? null : money(bill.vatMinor, bill.currency)),
  corrections: (bill: BillRow) => money(bill.correctionsMinor, bill.currency),
  payments: (bill: BillRow) => money(bill.paymentsMinor, bill.currency),
  adjustments: (bill: BillRow) => money(bill.adjustmentsMinor, bill.currency),
  amountDue: (bill: BillRow) => money(bill.amountDueMinor, bill.currency),
  estimated: async (bill: BillRow, _args: unknown, context: UtilityContext) =>
    (await context.utility.billConsumption.load(bill.id)).some((row) => row.estimated),
  lines: async (bill: BillRow, _args: unknown, context: UtilityContext) =>
    (await context.utility.billLines.load(bill.id)).map((line) => ({
      kind: line.kind,
      description: line.description,
      zone: line.zone,
      quantity: quantity(line.quantity),
      unitPrice: line.unitPrice === null ? null : formatQuantity(new Big(line.unitPrice), 6),
      amount: money(line.amountMinor, bill.currency),
      correctedPeriod: line.correctedPeriod?.slice(0, 7) ?? null,
    })),
  meterReadings: async (bill: BillRow, _args: unknown, context: UtilityContext) =>
    (await context.utility.billConsumption.load(bill.id)).map((row) => {
      const shown = shownReading(row);
      return { meterSerialNumber: row.serialNumber, zone: row.zone, previousValue: shown.previous, currentValue: shown.current, consumption: shown.consumption, estimated: shown.estimated };
    }),
  /** A fresh short-lived link on the host the client used, served through the gateway. */
  pdfUrl: async (bill: Scoped<BillRow>, _args: unknown, context: UtilityContext) =>
    `${context.publicOrigin}${billPdfPath(context.services.rules.utility, bill.id, await context.services.billLinks.sign(bill.id, context.now))}`,
};
