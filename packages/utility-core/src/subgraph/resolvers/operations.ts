import { DomainError, type Translations } from '@kabinet/errors';
import { formatQuantity, money, parseQuantity } from '@kabinet/money';
import { pageArguments, toConnection, type PageArgs } from '@kabinet/subgraph';
import { and, asc, desc, eq } from 'drizzle-orm';
import { ensureHolder, ensureStaff, scopeOf, withScope } from '../../access';
import type { NewAppeal } from '../../appeals';
import { vatFor, vatRateOf, type ComputedCharges, type PricedLine } from '../../billing/charges';
import { assertPeriod, isMeterZoneSet, runBilling } from '../../billing/run';
import type { Period } from '../../calendar';
import type { UtilityContext } from '../context';
import type { LinkInput } from '../../linking/service';
import type { AccountRow } from '../../tables';
import { replaceMeter, type NewMeter, type ZoneValue } from '../../meter-replacement';
import type { ReadingEntry } from '../../readings/service';
import { findSupplier, normalizeAccountNumber, supplierToday } from '../../suppliers';
import type { MeterZone } from '../../meters';
import { messages } from '../../messages';

type Input<T> = { input: T };

const invalidConsumption = (message: Translations) => new DomainError('INVALID_CONSUMPTION', message, { field: 'consumption' });

async function accountOf(context: UtilityContext, accountId: string): Promise<AccountRow> {
  const account = await context.utility.accountById.load(accountId);
  if (!account) throw new DomainError('ACCOUNT_NOT_FOUND', messages.accountNotFound(), { field: 'accountId' });
  return account;
}

/** An account the viewer holds: every holder-only mutation starts here. */
async function heldAccount(context: UtilityContext, accountId: string): Promise<AccountRow> {
  const account = await accountOf(context, accountId);
  ensureHolder(context.viewer, account);
  return account;
}

/** Priced lines as the API shows them (`ChargeLine`). */
export function chargeLines(lines: PricedLine[], currency: string) {
  return lines.map((line) => ({
    description: line.description,
    zone: line.zone,
    quantity: line.quantity === null ? null : formatQuantity(line.quantity),
    unitPrice: line.unitPrice === null ? null : formatQuantity(line.unitPrice, 6),
    amount: money(line.amountMinor, currency),
  }));
}

/** A preliminary charge as the API shows it: charges, VAT and corrections of earlier estimates. */
export function preliminaryCharge(period: Period, charges: ComputedCharges, currency: string) {
  return {
    period,
    lines: chargeLines(charges.lines, currency),
    corrections: money(charges.correctionsMinor, currency),
    vat: charges.vatMinor === 0 ? null : money(charges.vatMinor, currency),
    total: money(charges.chargesMinor + charges.vatMinor + charges.correctionsMinor, currency),
  };
}

/**
 * What the root fields of a utility subgraph do, whatever their utility-specific names: the
 * subgraph's `resolvers/` maps `linkElectricityAccount` to `linkAccount` and so on.
 */
export const cabinetOperations = {
  // --- queries -----------------------------------------------------------------------------
  suppliers: (_: unknown, _args: unknown, context: UtilityContext) =>
    context.db.select().from(context.services.tables.suppliers).orderBy(asc(context.services.tables.suppliers.name)),

  /** Null when there is none; the account type's own rule refuses anyone but its holder and staff. */
  account: (_: unknown, args: { id: string }, context: UtilityContext) => context.utility.accountById.load(args.id),

  accountByNumber: async (_: unknown, args: { accountNumber: string }, context: UtilityContext) => {
    const { supplierId } = ensureStaff(context.viewer);
    const { accounts } = context.services.tables;
    const [account] = await context.db
      .select()
      .from(accounts)
      .where(and(eq(accounts.supplierId, supplierId), eq(accounts.accountNumber, normalizeAccountNumber(args.accountNumber))));
    return account ?? null;
  },

  appealsForStaff: async (_: unknown, args: PageArgs & { status?: string | null }, context: UtilityContext) => {
    const { first, after } = pageArguments(args, 'appeals', 20);
    const rows = await context.services.appeals.forStaff(context.viewer, args.status, first, after);
    return toConnection(rows, first, 'appeals', (appeal) => ({ at: appeal.updatedAt, id: appeal.id }));
  },

  /** The tariff calculator: a month's consumption under the supplier's tariffs in effect today, for anyone. */
  tariffQuote: async (
    _: unknown,
    { input }: Input<{ supplierId: string; accountKind?: string | null; consumption: { zone: MeterZone; value: string }[] }>,
    context: UtilityContext,
  ) => {
    const { rules, tables } = context.services;
    const supplier = await findSupplier(context.db, tables, input.supplierId);
    const accountKind = input.accountKind ?? 'RESIDENTIAL';
    if (!isMeterZoneSet(rules, input.consumption.map((entry) => entry.zone))) {
      throw invalidConsumption(messages.quoteZoneSets(rules.meterZoneSets.map((set) => set.join(' + '))));
    }
    const consumption = input.consumption.map(({ zone, value }) => {
      const quantity = parseQuantity(value, 3);
      if (!quantity) throw invalidConsumption(messages.quoteValue(zone, rules.unitOf(zone)));
      return { zone, quantity };
    });
    const pricing = await rules.pricingFor(context.db, supplier);
    const { validFrom, lines } = pricing.quote({ accountKind, consumption }, supplierToday(supplier, context.now));
    const netMinor = lines.reduce((sum, line) => sum + line.amountMinor, 0);
    const vatRate = vatRateOf({ kind: accountKind }, supplier);
    const vatMinor = vatFor(netMinor, vatRate);
    return {
      supplier,
      validFrom,
      lines: chargeLines(lines, supplier.currency),
      vat: vatRate === null ? null : money(vatMinor, supplier.currency),
      total: money(netMinor + vatMinor, supplier.currency),
    };
  },

  billingRuns: (_: unknown, _args: unknown, context: UtilityContext) => {
    const { supplierId } = ensureStaff(context.viewer);
    const { billingRuns } = context.services.tables;
    return context.db.select().from(billingRuns).where(eq(billingRuns.supplierId, supplierId)).orderBy(desc(billingRuns.period));
  },

  // --- linking -----------------------------------------------------------------------------
  linkAccount: async (_: unknown, { input }: Input<LinkInput>, context: UtilityContext) => ({
    account: await context.services.linking.link(context.viewer, input, context.now),
  }),
  unlinkAccount: async (_: unknown, { input }: Input<{ accountId: string }>, context: UtilityContext) => ({
    accountId: await context.services.linking.unlink(context.viewer, input.accountId),
  }),
  issueLinkCode: async (_: unknown, { input }: Input<{ accountNumber: string }>, context: UtilityContext) => ({
    linkCode: await context.services.linking.issueOfficeCode(context.viewer, input.accountNumber, context.now),
  }),

  // --- readings and meters -----------------------------------------------------------------
  submitReadings: async (_: unknown, { input }: Input<{ accountId: string; readings: ReadingEntry[]; confirmUnusual?: boolean | null }>, context: UtilityContext) => {
    const account = await heldAccount(context, input.accountId);
    const supplier = (await context.utility.supplierById.load(account.supplierId))!;
    const result = await context.services.readings.submit(supplier, account, input.readings, {
      confirmUnusual: input.confirmUnusual ?? false,
      userId: context.viewer!.userId,
      now: context.now,
    });
    return {
      account,
      readings: withScope(result.readings, scopeOf(account)),
      preliminaryCharge: preliminaryCharge(result.period, result.preliminary, account.currency),
    };
  },

  submitReadingsAnonymously: async (
    _: unknown,
    { input }: Input<{ supplierId: string; accountNumber: string; check: 'HOLDER_SURNAME' | 'ADDRESS'; checkValue: string; readings: { meterSerialNumber: string; zone: string; value: string }[]; confirmUnusual?: boolean | null }>,
    context: UtilityContext,
  ) => {
    const result = await context.services.readings.submitAnonymously({
      ...input,
      confirmUnusual: input.confirmUnusual ?? false,
      clientIp: context.clientIp,
      now: context.now,
    });
    return {
      period: result.period,
      acceptedReadings: result.readings.length,
      preliminaryCharge: preliminaryCharge(result.period, result.preliminary, result.currency),
    };
  },

  replaceMeter: async (_: unknown, { input }: Input<{ meterId: string; finalValues: ZoneValue[]; newMeter: NewMeter }>, context: UtilityContext) => {
    const { account, meter } = await replaceMeter(context.db, context.services.tables, context.services.rules, context.viewer, input, context.now);
    return { account, meter: { ...meter, scope: scopeOf(account) } };
  },

  // --- billing -------------------------------------------------------------------------------
  runBilling: async (_: unknown, { input }: Input<{ period: string; supplierId?: string | null }>, context: UtilityContext) => {
    const { viewer, supplierId } = ensureStaff(context.viewer, input.supplierId);
    const supplier = await findSupplier(context.db, context.services.tables, supplierId);
    const run = await runBilling(context.db, { ...context.services, logger: context.logger }, {
      supplier,
      period: assertPeriod(input.period),
      startedByUserId: viewer.userId,
      now: context.now,
    });
    return { run };
  },

  // --- e-receipts ----------------------------------------------------------------------------
  subscribeEReceipts: async (_: unknown, { input }: Input<{ accountId: string; email?: string | null }>, context: UtilityContext) => ({
    subscription: await context.services.eReceipts.subscribe(context.viewer, await accountOf(context, input.accountId), input.email, context.now),
  }),
  confirmEReceipts: async (_: unknown, { input }: Input<{ token: string }>, context: UtilityContext) => ({
    subscription: await context.services.eReceipts.confirm(input.token, context.now),
  }),
  unsubscribeEReceipts: async (_: unknown, { input }: Input<{ accountId: string }>, context: UtilityContext) => {
    await context.services.eReceipts.unsubscribe(context.viewer, await accountOf(context, input.accountId));
    return { subscription: null };
  },

  // --- appeals -------------------------------------------------------------------------------
  createAppeal: async (_: unknown, { input }: Input<NewAppeal & { accountId: string }>, context: UtilityContext) => ({
    appeal: await context.services.appeals.create(context.viewer, await accountOf(context, input.accountId), input, context.now),
  }),
  replyToAppeal: async (_: unknown, { input }: Input<{ appealId: string; body: string }>, context: UtilityContext) => ({
    appeal: await context.services.appeals.reply(context.viewer, input.appealId, input.body, context.now),
  }),
  closeAppeal: async (_: unknown, { input }: Input<{ appealId: string }>, context: UtilityContext) => ({
    appeal: await context.services.appeals.close(context.viewer, input.appealId, context.now),
  }),
};
