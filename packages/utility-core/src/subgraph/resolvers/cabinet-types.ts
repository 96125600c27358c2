import { money } from '@kabinet/money';
import type { AppealRow } from '../../tables';
import type { UtilityContext } from '../context';
import type { UtilityTables } from '../../tables';

type LedgerEntryRow = UtilityTables['ledgerEntries']['$inferSelect'];
type BillingRunRow = UtilityTables['billingRuns']['$inferSelect'];

export const ledgerEntryResolvers = {
  amount: (entry: LedgerEntryRow & { currency: string }) => money(entry.amountMinor, entry.currency),
};

export const billingRunResolvers = {
  period: (run: BillingRunRow) => run.period.slice(0, 7),
};

export const appealResolvers = {
  accountNumber: async (appeal: AppealRow, _args: unknown, context: UtilityContext) =>
    (await context.utility.accountById.load(appeal.accountId))!.accountNumber,
  messages: (appeal: AppealRow, _args: unknown, context: UtilityContext) => context.utility.appealMessages.load(appeal.id),
};
