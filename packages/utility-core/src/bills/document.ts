/**
 * Everything printed on a bill, already formatted: the PDF renderer draws it and decides
 * nothing. Amounts are decimal strings in major units (`"1234.50"`), quantities decimal
 * strings in the meter's unit, dates `YYYY-MM-DD`.
 */
export interface BillDocument {
  /** The bill's title: `Рахунок за електроенергію`. */
  title: string;
  supplier: { name: string };
  account: {
    number: string;
    holderName: string;
    address: string;
    kind: 'RESIDENTIAL' | 'BUSINESS';
    /** Business accounts only. */
    contractNumber: string | null;
  };
  /** Billing month, `YYYY-MM`. */
  period: string;
  issuedOn: string;
  dueDate: string;
  /** Unique code printed on the bill (also a proof for linking the account). */
  receiptCode: string;
  /** ISO 4217, e.g. `UAH`. */
  currency: string;
  meterReadings: BillMeterReading[];
  lines: BillDocumentLine[];
  totals: {
    /** What was owed (positive) or overpaid (negative) after the previous bill. */
    opening: string;
    /** Charges of this bill before VAT. */
    charges: string;
    /** Business accounts only. */
    vat: { ratePercent: string; amount: string } | null;
    /** Re-calculations of earlier, estimated months (negative when they were overestimated). */
    corrections: string;
    payments: string;
    adjustments: string;
    /** opening + charges + vat + corrections + adjustments − payments; negative is a credit. */
    amountDue: string;
  };
}

export interface BillMeterReading {
  serialNumber: string;
  /** Printed name of the zone, e.g. `День`, `Ніч`, `Загальна`. */
  zone: string;
  previous: string;
  current: string;
  consumption: string;
  /** `кВт·год`, `Гкал`, `м³`. */
  unit: string;
  /** The current value is an estimate (no reading was submitted). */
  estimated: boolean;
}

export interface BillDocumentLine {
  description: string;
  /** Quantity and unit price; both null for lines that are just an amount. */
  quantity: string | null;
  unit: string | null;
  unitPrice: string | null;
  amount: string;
}
