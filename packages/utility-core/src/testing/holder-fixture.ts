import { randomUUID } from 'node:crypto';
import { insertRows, type Database } from '@kabinet/db';
import { postBillEntries, postPayments } from '../ledger';
import type { UtilityTables } from '../tables';

/**
 * A login holding `count` accounts of a utility's first supplier, each with a meter, two
 * readings, an issued bill (January 2026) and its ledger: what the Dashboard reads, for
 * tests and benchmarks that compare 1 account with 20. With `yearsOfHistory`, each account also
 * has that many years of months before December 2025, each with its reading, its bill and the
 * bill's charge, and a payment: what the Dashboard finds after years of service, and must not read.
 */
export async function seedHolderAccounts(
  db: Database,
  t: UtilityTables,
  options: { count: number; userId?: string; chargedMinor?: number; paidMinor?: number; yearsOfHistory?: number },
): Promise<string> {
  const userId = options.userId ?? randomUUID();
  const chargedMinor = options.chargedMinor ?? 10_000;
  const paidMinor = options.paidMinor ?? 4_000;
  const [supplier] = await db.select().from(t.suppliers).limit(1);
  if (!supplier) throw new Error('seed the demo suppliers first');
  const accounts = Array.from({ length: options.count }, (_, index) => ({
    id: randomUUID(),
    supplierId: supplier.id,
    accountNumber: `T-${userId.slice(0, 8)}-${index}`,
    address: `Test street ${index}`,
    holderSurname: 'Тестенко',
    currency: supplier.currency,
    holderUserId: userId,
  }));
  const meters = accounts.map((account) => ({
    id: randomUUID(),
    accountId: account.id,
    serialNumber: `SN-${account.accountNumber}`,
    zones: ['SINGLE'],
    installedOn: '2020-01-01',
    lastVerifiedOn: '2020-01-01',
    verificationIntervalYears: 8,
  }));
  await db.insert(t.accounts).values(accounts);
  await db.insert(t.meters).values(meters);
  await db.insert(t.readings).values(
    meters.flatMap((meter) => [
      { meterId: meter.id, zone: 'SINGLE', period: '2025-12-01', value: '100.000', readAt: new Date('2026-01-03T09:00:00Z'), source: 'PORTAL' },
      { meterId: meter.id, zone: 'SINGLE', period: '2026-01-01', value: '250.500', readAt: new Date('2026-02-03T09:00:00Z'), source: 'PORTAL' },
    ]),
  );
  const issuedAt = new Date('2026-02-07T22:00:00Z');
  const bills = accounts.map((account) =>
    issuedBill(account, supplier.name, { period: '2026-01-01', issuedAt, issuedOn: '2026-02-08', dueDate: '2026-02-28', chargedMinor, receiptCode: `R-${account.id}` }),
  );
  await db.insert(t.bills).values(bills);
  await seedHistory(db, t, accounts, meters, options.yearsOfHistory ?? 0, supplier.name);
  // The ledger through its one writer: each bill's charge, and a payment after it.
  const paidAt = new Date('2026-02-10');
  await db.transaction(async (tx) => {
    await postBillEntries(tx, t, bills.map((bill) => ({ bill, entries: [{ kind: 'CHARGE', amountMinor: chargedMinor, description: 'test charge' }] })), issuedAt);
    await postPayments(
      tx,
      t,
      accounts.map((account) => ({ paymentId: randomUUID(), accountId: account.id, amountMinor: paidMinor, currency: account.currency, capturedAt: paidAt, description: 'test payment' })),
      paidAt,
    );
  });
  return userId;
}

/** A bill issued to the holder for one month's charge, nothing before or after it on it. */
function issuedBill(
  account: { id: string; currency: string; address: string },
  supplierName: string,
  bill: { period: string; issuedAt: Date; issuedOn: string; dueDate: string; chargedMinor: number; receiptCode: string },
) {
  return {
    id: randomUUID(),
    accountId: account.id,
    period: bill.period,
    currency: account.currency,
    cutoffAt: bill.issuedAt,
    issuedTo: { supplierName, holderName: 'Тестенко', address: account.address, accountKind: 'RESIDENTIAL' as const, contractNumber: null, vatRateBasisPoints: null },
    issuedOn: bill.issuedOn,
    issuedAt: bill.issuedAt,
    dueDate: bill.dueDate,
    openingMinor: 0,
    chargesMinor: bill.chargedMinor,
    vatMinor: 0,
    correctionsMinor: 0,
    paymentsMinor: 0,
    adjustmentsMinor: 0,
    amountDueMinor: bill.chargedMinor,
    receiptCode: bill.receiptCode,
  };
}

/** Months before December 2025, each closed by a reading (rising to December's 100), billed, charged and paid. */
async function seedHistory(
  db: Database,
  t: UtilityTables,
  accounts: { id: string; currency: string; address: string }[],
  meters: { id: string; accountId: string }[],
  years: number,
  supplierName: string,
): Promise<void> {
  const months = years * 12;
  if (!months) return;
  const chargedMinor = 9_000;
  const periods = Array.from({ length: months }, (_, index) => {
    const first = new Date(Date.UTC(2025, 11 - (index + 1), 1));
    return { index, period: first.toISOString().slice(0, 10), issuedAt: new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 7, 22)) };
  });
  const meterOf = new Map(meters.map((meter) => [meter.accountId, meter.id]));
  // Set-based (`insertRows`: the rows as one parameter), as years of months are many rows.
  const readings = accounts.flatMap((account) =>
    periods.map(({ index, period, issuedAt }) => ({
      id: randomUUID(),
      meterId: meterOf.get(account.id)!,
      zone: 'SINGLE',
      period,
      value: ((100 * (months - index)) / (months + 1)).toFixed(3),
      readAt: new Date(issuedAt.getTime() - 5 * 86_400_000),
      source: 'PORTAL',
      submittedByUserId: null,
    })),
  );
  const bills = accounts.flatMap((account) =>
    periods.map(({ period, issuedAt }) => {
      const issuedOn = issuedAt.toISOString().slice(0, 10);
      return issuedBill(account, supplierName, { period, issuedAt, issuedOn, dueDate: issuedOn, chargedMinor, receiptCode: `R-${account.id}-${period}` });
    }),
  );
  await db.transaction(async (tx) => {
    await insertRows(tx, t.readings, readings);
    await insertRows(tx, t.bills, bills);
    await postBillEntries(tx, t, bills.map((bill) => ({ bill, entries: [{ kind: 'CHARGE', amountMinor: chargedMinor, description: 'test charge' }] })), bills[0]!.issuedAt);
    const paidAt = (bill: (typeof bills)[number]) => new Date(bill.issuedAt.getTime() + 3 * 86_400_000);
    await postPayments(
      tx,
      t,
      bills.map((bill) => ({ paymentId: randomUUID(), accountId: bill.accountId, amountMinor: chargedMinor, currency: bill.currency, capturedAt: paidAt(bill), description: 'test payment' })),
      paidAt(bills[0]!),
    );
  });
}
