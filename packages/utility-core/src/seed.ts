import type { Database } from '@kabinet/db';
import { daysAgo, demoPayments, stableId } from '@kabinet/demo';
import { signedLedgerAmount } from './ledger';
import type { UtilityTables } from './tables';

export interface DemoMeter {
  serialNumber: string;
  zones: string[];
  installedOn: string;
  lastVerifiedOn: string;
  verificationIntervalYears: number;
  /** Reading of each zone four months ago, and the monthly consumption of each zone. */
  startValues: number[];
  monthlyUse: number[];
}

export interface DemoAccount {
  accountNumber: string;
  address: string;
  holderSurname: string;
  holderUserId?: string;
  monthlyChargeMinor: number;
  meters: DemoMeter[];
}

export interface DemoSupplier {
  code: string;
  name: string;
  currency: string;
  timeZone: string;
  accountNumberPattern: string;
  accounts: DemoAccount[];
}

const monthsOfHistory = 4;

function monthStart(monthsBack: number, now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - monthsBack, 1));
}

const isoDate = (date: Date) => date.toISOString().slice(0, 10);

/**
 * Demo suppliers, accounts, meters, four months of readings, three bills with their ledger
 * charges, and the ledger side of the demo payments. Ids derive from natural keys, and every
 * insert skips existing rows, so a second run adds nothing.
 */
export async function seedUtilityDemo(db: Database, t: UtilityTables, utility: string, suppliers: DemoSupplier[]) {
  const now = new Date();
  await db.transaction(async (tx) => {
    for (const supplier of suppliers) {
      const supplierId = stableId(`${utility}:supplier:${supplier.code}`);
      const { accounts, ...supplierFields } = supplier;
      await tx.insert(t.suppliers).values({ id: supplierId, ...supplierFields }).onConflictDoNothing();

      for (const account of accounts) {
        const accountKey = `${utility}:${supplier.code}:${account.accountNumber}`;
        const accountId = stableId(accountKey);
        await tx
          .insert(t.accounts)
          .values({
            id: accountId,
            supplierId,
            accountNumber: account.accountNumber,
            address: account.address,
            holderSurname: account.holderSurname,
            currency: supplier.currency,
            holderUserId: account.holderUserId ?? null,
            linkedAt: account.holderUserId ? daysAgo(200, now) : null,
          })
          .onConflictDoNothing();

        for (const meter of account.meters) {
          const meterId = stableId(`${accountKey}:meter:${meter.serialNumber}`);
          const { startValues, monthlyUse, ...meterFields } = meter;
          await tx.insert(t.meters).values({ id: meterId, accountId, ...meterFields }).onConflictDoNothing();
          const readings = [];
          for (let month = 0; month < monthsOfHistory; month += 1) {
            const readAt = monthStart(monthsOfHistory - 1 - month, now);
            readAt.setUTCDate(3);
            readAt.setUTCHours(9, 30);
            for (const [index, zone] of meter.zones.entries()) {
              readings.push({
                id: stableId(`${meterId}:${zone}:${isoDate(readAt)}`),
                meterId,
                zone,
                value: (startValues[index]! + monthlyUse[index]! * month).toFixed(3),
                readAt,
                source: 'PORTAL',
              });
            }
          }
          await tx.insert(t.readings).values(readings).onConflictDoNothing();
        }

        for (let monthsBack = 3; monthsBack >= 1; monthsBack -= 1) {
          const period = monthStart(monthsBack, now);
          const billed = new Date(Date.UTC(period.getUTCFullYear(), period.getUTCMonth() + 1, 1));
          const amountDueMinor = account.monthlyChargeMinor + monthsBack * 1_370;
          const billId = stableId(`${accountKey}:bill:${isoDate(period)}`);
          await tx
            .insert(t.bills)
            .values({
              id: billId,
              accountId,
              period: isoDate(period),
              amountDueMinor,
              currency: supplier.currency,
              dueDate: isoDate(new Date(billed.getTime() + 19 * 24 * 3600 * 1000)),
              receiptCode: billId.slice(0, 8).toUpperCase() + billId.slice(-4).toUpperCase(),
            })
            .onConflictDoNothing();
          await tx
            .insert(t.ledgerEntries)
            .values({
              id: stableId(`${billId}:charge`),
              accountId,
              kind: 'CHARGE',
              amountMinor: signedLedgerAmount('CHARGE', amountDueMinor),
              occurredAt: billed,
              description: `Charge for ${isoDate(period).slice(0, 7)}`,
            })
            .onConflictDoNothing();
        }

        for (const payment of demoPayments) {
          for (const item of payment.items) {
            if (item.utility !== utility || item.supplierCode !== supplier.code || item.accountNumber !== account.accountNumber) continue;
            await tx
              .insert(t.ledgerEntries)
              .values({
                id: stableId(`${payment.id}:${accountId}`),
                accountId,
                kind: 'PAYMENT',
                amountMinor: signedLedgerAmount('PAYMENT', item.amountMinor),
                occurredAt: daysAgo(payment.daysAgo, now),
                description: 'Payment through Kabinet',
                paymentId: payment.id,
              })
              .onConflictDoNothing();
          }
        }
      }
    }
  });
}
