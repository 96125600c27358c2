import { afterPosition } from '@kabinet/db';
import { badInput } from '@kabinet/errors';
import { Big, formatQuantity, money } from '@kabinet/money';
import { pageArguments, toConnection } from '@kabinet/subgraph';
import { and, desc, eq, gte, inArray, lte } from 'drizzle-orm';
import { scopeOf, withScope } from '../../access';
import { assertPeriod } from '../../billing/run';
import { addMonths, firstDayOf, localDateIn, periodOf, periodsBetween, startOfLocalDate } from '../../calendar';
import type { UtilityContext } from '../context';
import { pagedLists } from '../paged-lists';
import type { CabinetAccountResolvers } from '../generated/resolvers-types';
import type { AccountRow } from '../../tables';
import { readingWindowStatus } from '../../suppliers';
import { paymentKinds } from '../../ledger';
import { messages } from '../../messages';
import { billedConsumption } from '../../consumption';

const maxHistoryMonths = 36;

async function supplierOf(account: AccountRow, context: UtilityContext) {
  return (await context.utility.supplierById.load(account.supplierId))!;
}

/** `ElectricityAccount` and `HeatAccount` (`CabinetAccount` here): the same code over each subgraph's own tables. */
export const accountResolvers: CabinetAccountResolvers = {
  __resolveReference: (reference, context) => context.utility.accountById.load(reference.id),
  supplier: (account, _args, context) => supplierOf(account, context),
  holderName: (account) => account.holderName || account.holderSurname,
  balance: async (account, _args, context) =>
    money(await context.utility.balanceByAccount.load(account.id), account.currency),
  amountDue: async (account, _args, context) =>
    money(Math.max(await context.utility.balanceByAccount.load(account.id), 0), account.currency),
  meters: async (account, args, context) => {
    const meters = await context.utility.metersByAccount.load(account.id);
    return withScope(args.includeRemoved ? meters : meters.filter((meter) => meter.removedOn === null), scopeOf(account));
  },
  readingWindow: async (account, _args, context) =>
    readingWindowStatus(await supplierOf(account, context), context.now),
  latestBill: async (account, _args, context) => {
    const bill = await context.utility.latestBillByAccount.load(account.id);
    return bill ? { ...bill, scope: scopeOf(account) } : null;
  },

  bills: async (account, args, context) => {
    const { first, after } = pageArguments(args, pagedLists.bills, 12);
    const { bills } = context.services.tables;
    const rows = await context.db
      .select()
      .from(bills)
      .where(and(eq(bills.accountId, account.id), lte(bills.issuedAt, context.now), afterPosition(bills.period, bills.id, after)))
      .orderBy(desc(bills.period), desc(bills.id))
      .limit(first + 1);
    return toConnection(withScope(rows, scopeOf(account)), first, pagedLists.bills, (bill) => ({ at: bill.period, id: bill.id }));
  },

  bill: async (account, args, context) => {
    const period = assertPeriod(args.period);
    const { bills } = context.services.tables;
    const [bill] = await context.db
      .select()
      .from(bills)
      .where(and(eq(bills.accountId, account.id), eq(bills.period, firstDayOf(period)), lte(bills.issuedAt, context.now)));
    return bill ? { ...bill, scope: scopeOf(account) } : null;
  },

  ledger: async (account, args, context) => {
    const { first, after } = pageArguments(args, pagedLists.ledger, 20);
    const { ledgerEntries: entries } = context.services.tables;
    const rows = await context.db
      .select()
      .from(entries)
      .where(and(eq(entries.accountId, account.id), lte(entries.occurredAt, context.now), afterPosition(entries.occurredAt, entries.id, after)))
      .orderBy(desc(entries.occurredAt), desc(entries.id))
      .limit(first + 1);
    return toConnection(rows, first, pagedLists.ledger, (entry) => ({ at: entry.occurredAt, id: entry.id }), (entry) => ({ ...entry, currency: account.currency }));
  },

  /** Per billed month: consumption by zone as it turned out (estimates replaced by their corrections). */
  consumptionHistory: async (account, args, context) => {
    const months = args.months ?? 12;
    if (!Number.isInteger(months) || months < 1 || months > maxHistoryMonths) {
      throw badInput(messages.monthsRange(maxHistoryMonths), { field: 'months' });
    }
    const { bills, billConsumption, billLines } = context.services.tables;
    const recent = await context.db
      .select()
      .from(bills)
      .where(and(eq(bills.accountId, account.id), lte(bills.issuedAt, context.now)))
      .orderBy(desc(bills.period))
      .limit(months);
    const billIds = recent.map((bill) => bill.id);
    // Zones without a meter (a building's share, a norm) are read from the bills' charge lines, and
    // the lines of later bills that re-counted such a zone's month.
    const [rows, lines] = billIds.length
      ? await Promise.all([
          context.db.select().from(billConsumption).where(inArray(billConsumption.billId, billIds)),
          context.db
            .select({ billId: billLines.billId, kind: billLines.kind, zone: billLines.zone, quantity: billLines.quantity, correctedPeriod: billLines.correctedPeriod })
            .from(billLines)
            .where(and(inArray(billLines.billId, billIds), inArray(billLines.kind, ['CHARGE', 'CORRECTION'])))
            .orderBy(billLines.billId, billLines.position),
        ])
      : [[], []];
    const { unitOf } = context.services.rules;
    return recent.map((bill) => {
      const own = rows.filter((row) => row.billId === bill.id);
      const month = billedConsumption(
        own.map((row) => ({ zone: row.zone, consumption: new Big(row.correctedConsumption ?? row.consumption) })),
        lines
          .filter((line) => (line.kind === 'CHARGE' ? line.billId === bill.id : line.correctedPeriod === bill.period))
          .map((line) => ({ zone: line.zone, quantity: line.quantity === null ? null : new Big(line.quantity) })),
        (zone) => unitOf(zone).uk,
      );
      return {
        period: bill.period.slice(0, 7),
        zones: month.zones.map(({ zone, value, unit }) => ({ zone: zone, value: formatQuantity(value), unit })),
        total: month.total === null ? null : formatQuantity(month.total),
        estimated: own.some((row) => row.estimated && row.correctedConsumption === null),
        charged: money(bill.chargesMinor + bill.vatMinor, bill.currency),
      };
    });
  },

  /** Payments per calendar month (in the supplier's time zone) for the last 12 months, oldest first, empty months included. */
  paymentsReport: async (account, _args, context) => {
    const supplier = await supplierOf(account, context);
    const thisMonth = periodOf(localDateIn(context.now, supplier.timeZone));
    const months = periodsBetween(addMonths(thisMonth, -11), thisMonth);
    const { ledgerEntries: entries } = context.services.tables;
    const payments = await context.db
      .select({ kind: entries.kind, amountMinor: entries.amountMinor, occurredAt: entries.occurredAt })
      .from(entries)
      .where(
        and(
          eq(entries.accountId, account.id),
          inArray(entries.kind, [...paymentKinds]),
          gte(entries.occurredAt, startOfLocalDate(firstDayOf(months[0]!), supplier.timeZone)),
          lte(entries.occurredAt, context.now),
        ),
      );
    return months.map((period) => {
      const inMonth = payments.filter((payment) => periodOf(localDateIn(payment.occurredAt, supplier.timeZone)) === period);
      // Net of payments returned in the month: a reversed payment neither counts nor adds.
      const count = inMonth.filter((entry) => entry.kind === 'PAYMENT').length - inMonth.filter((entry) => entry.kind === 'PAYMENT_REVERSAL').length;
      return { period, paid: money(-inMonth.reduce((sum, payment) => sum + payment.amountMinor, 0), account.currency), count: Math.max(count, 0) };
    });
  },

  eReceipts: (account, _args, context) => context.utility.eReceiptsByAccount.load(account.id),

  appeals: (account, _args, context) => context.services.appeals.forAccount(context.viewer!, account),
};
