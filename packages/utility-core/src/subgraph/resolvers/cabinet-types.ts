import { money } from '@kabinet/money';
import { progressOf } from '../../billing/progress';
import type { AppealResolvers, BillingRunResolvers, LedgerEntryResolvers } from '../generated/resolvers-types';

export const ledgerEntryResolvers: LedgerEntryResolvers = {
  amount: (entry) => money(entry.amountMinor, entry.currency),
};

export const billingRunResolvers: BillingRunResolvers = {
  period: (run) => run.period.slice(0, 7),
  progress: (run) => progressOf(run),
};

export const appealResolvers: AppealResolvers = {
  accountNumber: async (appeal, _args, context) => (await context.utility.accountById.load(appeal.accountId))!.accountNumber,
  messages: (appeal, _args, context) => context.utility.appealMessages.load(appeal.id),
};
