import { isUuid, type Database, type Transaction } from '@kabinet/db';
import { DomainError } from '@kabinet/errors';
import { eq } from 'drizzle-orm';
import { localDateIn, type LocalDate } from './calendar';
import { nextReadingWindow, openReadingWindow, type ReadingWindow, type ReadingWindowRule } from './reading-windows';
import type { SupplierRow, UtilityTables } from './tables';
import { messages } from './messages';

export type { SupplierRow } from './tables';

export const linkProofKinds = ['LAST_PAYMENT_AMOUNT', 'RECEIPT_CODE', 'OFFICE_CODE', 'HOLDER_SURNAME'] as const;
export type LinkProofKind = (typeof linkProofKinds)[number];

export function windowRuleOf(supplier: SupplierRow): ReadingWindowRule {
  return { opensDay: supplier.readingWindowOpensDay, closesDay: supplier.readingWindowClosesDay, opensFrom: supplier.readingWindowOpensFrom };
}

/** Today on the supplier's wall calendar. */
export function supplierToday(supplier: SupplierRow, now: Date): LocalDate {
  return localDateIn(now, supplier.timeZone);
}

/** The window open today, or else the next one. */
export function readingWindowStatus(supplier: SupplierRow, now: Date): ReadingWindow & { isOpen: boolean } {
  const today = supplierToday(supplier, now);
  const open = openReadingWindow(today, windowRuleOf(supplier));
  return open ? { ...open, isOpen: true } : { ...nextReadingWindow(today, windowRuleOf(supplier)), isOpen: false };
}

/** Account numbers as printed, without the spaces people type into them. */
export function normalizeAccountNumber(raw: string): string {
  return raw.replace(/\s+/g, '').toUpperCase();
}

/** Refuses a number that cannot be this supplier's, naming the format it expects. */
export function assertAccountNumberFormat(supplier: SupplierRow, accountNumber: string): void {
  if (!new RegExp(supplier.accountNumberPattern).test(accountNumber)) {
    throw new DomainError('INVALID_ACCOUNT_NUMBER', messages.invalidAccountNumber(supplier.name, supplier.accountNumberFormat), {
      field: 'accountNumber',
      // In the request's language when the error is told (a DomainError's details may be translations).
      expectedFormat: supplier.accountNumberFormat,
    });
  }
}

/** A supplier without a tariff for a day it must price (billing, preliminary charges, the calculator). */
export const tariffMissing = (supplier: SupplierRow, date: string) =>
  new DomainError('TARIFF_MISSING', messages.tariffMissing(supplier.name, date), { date });

export const supplierNotFound = () => new DomainError('SUPPLIER_NOT_FOUND', messages.supplierNotFound(), { field: 'supplierId' });

export async function findSupplier(executor: Database | Transaction, t: UtilityTables, supplierId: string): Promise<SupplierRow> {
  const [supplier] = isUuid(supplierId) ? await executor.select().from(t.suppliers).where(eq(t.suppliers.id, supplierId)) : [];
  if (!supplier) throw supplierNotFound();
  return supplier;
}

