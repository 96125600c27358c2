import { DomainError, type Translations } from '@kabinet/errors';
import { formatQuantity, money, parseQuantity } from '@kabinet/money';
import { pageArguments, toConnection, viewerAsUser } from '@kabinet/subgraph';
import { and, asc, desc, eq } from 'drizzle-orm';
import { ensureHolder, ensureStaff, scopeOf, withScope } from '../../access';
import { vatFor, vatRateOf, type ComputedCharges, type PricedLine } from '../../billing/charges';
import { assertPeriod, isQuotableZoneSet, runBilling } from '../../billing/run';
import type { Period } from '../../calendar';
import type { UtilityContext } from '../context';
import { pagedLists } from '../paged-lists';
import type { MutationResolvers, QueryResolvers } from '../generated/resolvers-types';
import type { AccountRow } from '../../tables';
import { replaceMeter } from '../../meter-replacement';
import { findSupplier, normalizeAccountNumber, supplierToday } from '../../suppliers';
import { messages } from '../../messages';

/** A run's payload lists this many failed accounts at most; the count and the log have them all. */
const maxReportedFailures = 100;

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
 * What the root fields of a utility subgraph do, under the neutral names (`cabinetSuppliers`,
 * `linkCabinetAccount`); `cabinet.ts` names them for each utility.
 */
export const cabinetQuery: Required<QueryResolvers> = {
  me: viewerAsUser,

  cabinetSuppliers: (_parent, _args, context) =>
    context.db.select().from(context.services.tables.suppliers).orderBy(asc(context.services.tables.suppliers.name)),

  /** Null when there is none; the account type's own rule refuses anyone but its holder and staff. */
  cabinetAccount: (_parent, args, context) => context.utility.accountById.load(args.id),

  cabinetAccountByNumber: async (_parent, args, context) => {
    const { supplierId } = ensureStaff(context.viewer);
    const { accounts } = context.services.tables;
    const [account] = await context.db
      .select()
      .from(accounts)
      .where(and(eq(accounts.supplierId, supplierId), eq(accounts.accountNumber, normalizeAccountNumber(args.accountNumber))));
    return account ?? null;
  },

  cabinetAppeals: async (_parent, args, context) => {
    const { first, after } = pageArguments(args, pagedLists.appeals, 20);
    const rows = await context.services.appeals.forStaff(context.viewer, args.status, first, after);
    return toConnection(rows, first, pagedLists.appeals, (appeal) => ({ at: appeal.updatedAt, id: appeal.id }));
  },

  /** The tariff calculator: a month's consumption under the supplier's tariffs in effect today, for anyone. */
  cabinetTariffQuote: async (_parent, { input }, context) => {
    const { rules, tables } = context.services;
    const supplier = await findSupplier(context.db, tables, input.supplierId);
    const accountKind = input.accountKind ?? 'RESIDENTIAL';
    if (!isQuotableZoneSet(rules, input.consumption.map((entry) => entry.zone))) {
      const sets = rules.meterZoneSets.map((set) => set.join(' + '));
      throw invalidConsumption(rules.quotesHousehold ? messages.quoteZoneSetsTogether(sets) : messages.quoteZoneSets(sets));
    }
    const consumption = input.consumption.map(({ zone, value }) => {
      const quantity = parseQuantity(value, 3);
      if (!quantity) throw invalidConsumption(messages.quoteValue(zone, rules.unitOf(zone)));
      return { zone, quantity };
    });
    // A quote prices no account: the tariffs alone.
    const pricing = await rules.pricingFor(context.db, supplier, []);
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

  cabinetBillingRuns: (_parent, _args, context) => {
    const { supplierId } = ensureStaff(context.viewer);
    const { billingRuns } = context.services.tables;
    return context.db.select().from(billingRuns).where(eq(billingRuns.supplierId, supplierId)).orderBy(desc(billingRuns.period));
  },
};

export const cabinetMutation: Required<MutationResolvers> = {
  // --- linking -----------------------------------------------------------------------------
  linkCabinetAccount: async (_parent, { input }, context) => ({
    account: await context.services.linking.link(context.viewer, input, context.now),
  }),
  unlinkCabinetAccount: async (_parent, { input }, context) => ({
    accountId: await context.services.linking.unlink(context.viewer, input.accountId, context.now),
  }),
  issueCabinetLinkCode: async (_parent, { input }, context) => ({
    linkCode: await context.services.linking.issueOfficeCode(context.viewer, input.accountNumber, context.now),
  }),

  // --- readings and meters -----------------------------------------------------------------
  submitCabinetReadings: async (_parent, { input }, context) => {
    const account = await heldAccount(context, input.accountId);
    const supplier = (await context.utility.supplierById.load(account.supplierId))!;
    const result = await context.services.readings.submit(supplier, account, input.readings, {
      confirmUnusual: input.confirmUnusual ?? false,
      userId: context.viewer!.userId,
      viaApp: Boolean(context.viewer!.clientId),
      now: context.now,
    });
    // Read with the history the submission was checked against: the answer's balance costs no statement of its own.
    context.utility.balanceByAccount.prime(account.id, result.balanceMinor);
    return {
      account,
      readings: withScope(result.readings, scopeOf(account)),
      preliminaryCharge: preliminaryCharge(result.period, result.preliminary, account.currency),
    };
  },

  submitCabinetReadingsAnonymously: async (_parent, { input }, context) => {
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

  replaceCabinetMeter: async (_parent, { input }, context) => {
    const { account, meter } = await replaceMeter(context.db, context.services.tables, context.services.rules, context.viewer, input, context.now);
    return { account, meter: { ...meter, scope: scopeOf(account) } };
  },

  // --- billing -------------------------------------------------------------------------------
  runCabinetBilling: async (_parent, { input }, context) => {
    const { viewer, supplierId } = ensureStaff(context.viewer, input.supplierId);
    const supplier = await findSupplier(context.db, context.services.tables, supplierId);
    const failed: { accountId: string; error: unknown }[] = [];
    const onAccountFailed = (accountId: string, error: unknown) => {
      if (failed.length < maxReportedFailures) failed.push({ accountId, error });
    };
    const run = await runBilling(context.db, { ...context.services, logger: context.logger, onAccountFailed }, {
      supplier,
      period: assertPeriod(input.period),
      startedByUserId: viewer.userId,
      now: context.now,
    });
    const accounts = await context.utility.accountById.loadMany(failed.map(({ accountId }) => accountId));
    const failures = failed.map(({ error }, index) => {
      const account = accounts[index];
      const known = error instanceof DomainError;
      return {
        accountNumber: account && !(account instanceof Error) ? account.accountNumber : failed[index]!.accountId,
        code: known ? String(error.extensions.code) : 'INTERNAL',
        message: (known ? error.translations : messages.accountNotBilled())[context.locale],
      };
    });
    return { run, failures };
  },

  // --- e-receipts ----------------------------------------------------------------------------
  subscribeCabinetEReceipts: async (_parent, { input }, context) => ({
    subscription: await context.services.eReceipts.subscribe(context.viewer, await accountOf(context, input.accountId), input.email, context.now),
  }),
  confirmCabinetEReceipts: async (_parent, { input }, context) => ({
    subscription: await context.services.eReceipts.confirm(input.token, context.now),
  }),
  unsubscribeCabinetEReceipts: async (_parent, { input }, context) => {
    await context.services.eReceipts.unsubscribe(context.viewer, await accountOf(context, input.accountId));
    return { subscription: null };
  },

  // --- appeals -------------------------------------------------------------------------------
  createCabinetAppeal: async (_parent, { input }, context) => ({
    appeal: await context.services.appeals.create(context.viewer, await accountOf(context, input.accountId), input, context.now),
  }),
  replyToCabinetAppeal: async (_parent, { input }, context) => ({
    appeal: await context.services.appeals.reply(context.viewer, input.appealId, input.body, context.now),
  }),
  closeCabinetAppeal: async (_parent, { input }, context) => ({
    appeal: await context.services.appeals.close(context.viewer, input.appealId, context.now),
  }),
};
