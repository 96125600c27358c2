import { Big, formatQuantity, money } from '@kabinet/money';
import { shownReading } from '../../bills/bill-document';
import { billPdfPath } from '../bill-files';
import type { BillLineResolvers, BillMeterReadingResolvers, BillResolvers } from '../generated/resolvers-types';

const quantity = (value: string | null) => (value === null ? null : formatQuantity(new Big(value)));

export const billResolvers: BillResolvers = {
  period: (bill) => bill.period.slice(0, 7),
  openingBalance: (bill) => money(bill.openingMinor, bill.currency),
  charges: (bill) => money(bill.chargesMinor, bill.currency),
  /** Business accounts' bills carry VAT (0.00 when there was nothing to charge); residential ones none. */
  vat: (bill) => (bill.issuedTo.vatRateBasisPoints === null ? null : money(bill.vatMinor, bill.currency)),
  corrections: (bill) => money(bill.correctionsMinor, bill.currency),
  payments: (bill) => money(bill.paymentsMinor, bill.currency),
  adjustments: (bill) => money(bill.adjustmentsMinor, bill.currency),
  amountDue: (bill) => money(bill.amountDueMinor, bill.currency),
  estimated: async (bill, _args, context) => (await context.utility.billConsumption.load(bill.id)).some((row) => row.estimated),
  lines: async (bill, _args, context) => (await context.utility.billLines.load(bill.id)).map((line) => ({ ...line, currency: bill.currency })),
  meterReadings: (bill, _args, context) => context.utility.billConsumption.load(bill.id),
  /** A fresh short-lived link on the host the client used, served through the gateway. */
  pdfUrl: async (bill, _args, context) =>
    `${context.publicOrigin}${billPdfPath(context.services.rules.utility, bill.id, await context.services.billLinks.sign(bill.id, context.now))}`,
};

export const billLineResolvers: BillLineResolvers = {
  quantity: (line) => quantity(line.quantity),
  unitPrice: (line) => (line.unitPrice === null ? null : formatQuantity(new Big(line.unitPrice), 6)),
  amount: (line) => money(line.amountMinor, line.currency),
  correctedPeriod: (line) => line.correctedPeriod?.slice(0, 7) ?? null,
};

/** As the bill's PDF shows them. */
export const billMeterReadingResolvers: BillMeterReadingResolvers = {
  meterSerialNumber: (row) => row.serialNumber,
  previousValue: (row) => shownReading(row).previous,
  currentValue: (row) => shownReading(row).current,
  consumption: (row) => shownReading(row).consumption,
  estimated: (row) => shownReading(row).estimated,
};
