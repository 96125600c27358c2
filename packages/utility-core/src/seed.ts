import type { Logger } from '@kabinet/config';
import type { Database, Transaction } from '@kabinet/db';
import type { Translations } from '@kabinet/errors';
import { daysAgo, demoPayments, stableId } from '@kabinet/demo';
import { desc, eq, sql } from 'drizzle-orm';
import { runBilling, type UtilityRules } from './billing/run';
import { addDays, addMonths, firstDayOf, periodOf, startOfLocalDate, type Period } from './calendar';
import { postPayment } from './ledger';
import { assertValidWindowRule, readingWindowOf, type ReadingWindowRule } from './reading-windows';
import { supplierToday, windowRuleOf, type LinkProofKind, type SupplierRow } from './suppliers';
import type { UtilityTables } from './tables';

export interface DemoMeter {
  serialNumber: string;
  zones: string[];
  digits?: number;
  installedOn: string;
  lastVerifiedOn: string;
  verificationIntervalYears: number;
  /** Value of each zone before the seeded months, and each zone's monthly consumption. */
  startValues: number[];
  monthlyUse: number[];
}

export interface DemoAccount {
  accountNumber: string;
  address: string;
  holderName: string;
  holderSurname: string;
  holderUserId?: string;
  kind?: 'RESIDENTIAL' | 'BUSINESS';
  contractNumber?: string;
  meters: DemoMeter[];
  /** Seeded months (0 = the oldest) with no reading: billed on an estimate, corrected by the next. */
  missedMonths?: number[];
}

export interface DemoSupplier {
  code: string;
  name: string;
  currency: string;
  timeZone: string;
  accountNumberPattern: string;
  accountNumberFormat: Translations;
  linkProofs: LinkProofKind[];
  readingWindow: ReadingWindowRule;
  vatRateBasisPoints?: number;
  paymentTermDays?: number;
  accounts: DemoAccount[];
}

/** Months of readings and bills the demo has by default, up to the last month whose reading window has closed. */
const defaultSeededMonths = 4;

/** The latest month whose reading window closed before `today`. */
function lastClosedPeriod(today: string, rule: ReadingWindowRule): Period {
  let period = addMonths(periodOf(today), -1);
  while (readingWindowOf(period, rule).closesOn >= today) period = addMonths(period, -1);
  return period;
}

/**
 * Demo suppliers, accounts and meters, the readings of the last months, the ledger side of
 * the demo payments, and the bills: made by the billing engine itself, run as each month's
 * run would have been, so demo bills are real bills (estimates and corrections included).
 * `seedSupplier` adds what only the utility knows (its tariffs). Ids derive from natural keys
 * and every step skips what exists, so a second run adds nothing.
 */
export async function seedUtilityDemo(options: {
  db: Database;
  tables: UtilityTables;
  rules: UtilityRules;
  suppliers: DemoSupplier[];
  now: Date;
  logger: Logger;
  /**
   * How many months of readings and bills, back from a supplier's newest closed month (4 unless a
   * utility needs a longer story, e.g. a heating season's end and start, which depends on the month).
   */
  months?: number | ((newest: Period) => number);
  /** What only the utility knows about a supplier (its tariffs), before its accounts. */
  seedSupplier(tx: Transaction, supplier: SupplierRow, demo: DemoSupplier): Promise<void>;
  /** What only the utility knows about a supplier's accounts (heat's premises and buildings), once they exist, for the seeded months. */
  seedAccounts?(tx: Transaction, supplier: SupplierRow, demo: DemoSupplier, periods: Period[]): Promise<void>;
}) {
  const monthsBack = (newest: Period) => (typeof options.months === 'function' ? options.months(newest) : (options.months ?? defaultSeededMonths));
  const { db, tables: t, rules, now } = options;
  const utility = rules.utility;
  const billing: { supplier: SupplierRow; periods: Period[] }[] = [];

  // A statement per table for all the suppliers' rows: a start on a seeded database (every
  // `pnpm start`) sends a handful of statements that find everything in place.
  let accountsAdded = 0;
  await db.transaction(async (tx) => {
    const supplierRows = await tx
      .insert(t.suppliers)
      .values(
        options.suppliers.map((demo) => {
          assertValidWindowRule(demo.readingWindow);
          return {
            id: stableId(`${utility}:supplier:${demo.code}`),
            code: demo.code,
            name: demo.name,
            currency: demo.currency,
            timeZone: demo.timeZone,
            accountNumberPattern: demo.accountNumberPattern,
            accountNumberFormat: demo.accountNumberFormat,
            linkProofs: demo.linkProofs,
            readingWindowOpensDay: demo.readingWindow.opensDay,
            readingWindowClosesDay: demo.readingWindow.closesDay,
            readingWindowOpensFrom: demo.readingWindow.opensFrom ?? 'NEXT_MONTH_START',
            // Left out (undefined), the column's default.
            vatRateBasisPoints: demo.vatRateBasisPoints,
            paymentTermDays: demo.paymentTermDays,
          };
        }),
      )
      // The demo's own words follow the code, in a database seeded by an older version too.
      .onConflictDoUpdate({ target: t.suppliers.id, set: { accountNumberFormat: sql.raw(`excluded.${t.suppliers.accountNumberFormat.name}`) } })
      .returning();
    const seeded = options.suppliers.map((demo) => {
      const supplier = supplierRows.find((row) => row.code === demo.code)!;
      const newest = lastClosedPeriod(supplierToday(supplier, now), demo.readingWindow);
      const months = monthsBack(newest);
      const periods = Array.from({ length: months }, (_, index) => addMonths(newest, index - months + 1));
      return { demo, supplier, periods };
    });
    for (const { demo, supplier } of seeded) await options.seedSupplier(tx, supplier, demo);

    const accounts = seeded.flatMap(({ demo, supplier, periods }) =>
      demo.accounts.map((account) => ({ demo, supplier, periods, account, key: `${utility}:${demo.code}:${account.accountNumber}` })),
    );
    const added = await tx
      .insert(t.accounts)
      .values(
        accounts.map(({ demo, supplier, account, key }) => ({
          id: stableId(key),
          supplierId: supplier.id,
          accountNumber: account.accountNumber,
          address: account.address,
          holderName: account.holderName,
          holderSurname: account.holderSurname,
          currency: demo.currency,
          kind: account.kind ?? 'RESIDENTIAL',
          contractNumber: account.contractNumber ?? null,
          holderUserId: account.holderUserId ?? null,
          linkedAt: account.holderUserId ? daysAgo(200, now) : null,
        })),
      )
      .onConflictDoNothing()
      .returning({ id: t.accounts.id });
    accountsAdded = added.length;

    const meters = accounts.flatMap(({ demo, periods, account, key }) =>
      account.meters.map((meter) => ({ demo, periods, account, meter, accountId: stableId(key), meterId: stableId(`${key}:meter:${meter.serialNumber}`) })),
    );
    await tx
      .insert(t.meters)
      .values(meters.map(({ meter: { startValues, monthlyUse, ...meterFields }, accountId, meterId }) => ({ id: meterId, accountId, ...meterFields })))
      .onConflictDoNothing();
    // The value before the first seeded month, then one reading per month not missed.
    const readings = meters.flatMap(({ demo, periods, account, meter, meterId }) =>
      [addMonths(periods[0]!, -1), ...periods].flatMap((period, index) => {
        if (index > 0 && account.missedMonths?.includes(index - 1)) return [];
        const window = readingWindowOf(period, demo.readingWindow);
        const readAt = new Date(startOfLocalDate(addDays(window.opensOn, 1), demo.timeZone).getTime() + 9.5 * 3600 * 1000);
        return meter.zones.map((zone, zoneIndex) => ({
          meterId,
          zone,
          period: firstDayOf(period),
          value: (meter.startValues[zoneIndex]! + meter.monthlyUse[zoneIndex]! * index).toFixed(3),
          readAt,
          source: 'PORTAL',
        }));
      }),
    );
    if (readings.length) await tx.insert(t.readings).values(readings).onConflictDoNothing();

    for (const { demo, account, key } of accounts) {
      for (const payment of demoPayments) {
        for (const item of payment.items) {
          if (item.utility !== utility || item.supplierCode !== demo.code || item.accountNumber !== account.accountNumber) continue;
          const at = daysAgo(payment.daysAgo, now);
          await postPayment(
            tx,
            t,
            { paymentId: payment.id, accountId: stableId(key), amountMinor: item.amountMinor, currency: demo.currency, capturedAt: at, description: 'Оплата через Kabinet' },
            at,
          );
        }
      }
    }
    for (const { demo, supplier, periods } of seeded) {
      await options.seedAccounts?.(tx, supplier, demo, periods);
      billing.push({ supplier, periods });
    }
  });

  // Each month billed two days after its window closed, as a supplier's operator would; months
  // before the supplier's latest run are done (a later start finds them billed), and a start
  // months later bills every month since, in order.
  for (const { supplier, periods } of billing) {
    const [latest] = await db
      .select({ period: t.billingRuns.period, finishedAt: t.billingRuns.finishedAt, accountsFailed: t.billingRuns.accountsFailed })
      .from(t.billingRuns)
      .where(eq(t.billingRuns.supplierId, supplier.id))
      .orderBy(desc(t.billingRuns.period))
      .limit(1);
    // The latest month is run again only when its run was cut short or left accounts unbilled, or
    // when this start added accounts (a newer demo): running it again bills just those.
    const settled = latest && latest.finishedAt !== null && latest.accountsFailed === 0 && accountsAdded === 0;
    const first = !latest ? periods[0]! : settled ? addMonths(periodOf(latest.period), 1) : periodOf(latest.period);
    for (let period = first; period <= periods.at(-1)!; period = addMonths(period, 1)) {
      const runDay = addDays(readingWindowOf(period, windowRuleOf(supplier)).closesOn, 2);
      const runAt = new Date(Math.min(startOfLocalDate(runDay, supplier.timeZone).getTime() + 10 * 3600 * 1000, now.getTime()));
      const run = await runBilling(db, { tables: t, rules, logger: options.logger }, { supplier, period, startedByUserId: null, now: runAt });
      if (run.accountsFailed > 0) options.logger.warn({ supplier: supplier.code, period, accountsFailed: run.accountsFailed }, 'demo accounts not billed');
    }
  }
}
