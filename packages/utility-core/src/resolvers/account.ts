import { money } from '@kabinet/money';
import type { UtilityContext } from '../context';
import { heldBy } from '../held';
import type { AccountRow } from '../loaders';

/** `ElectricityAccount` and `HeatAccount`. */
export const accountResolvers = {
  __resolveReference: (reference: { id: string }, context: UtilityContext) => context.utility.accountById.load(reference.id),
  supplier: (account: AccountRow, _args: unknown, context: UtilityContext) => context.utility.supplierById.load(account.supplierId),
  balance: async (account: AccountRow, _args: unknown, context: UtilityContext) =>
    money(await context.utility.balanceByAccount.load(account.id), account.currency),
  meters: async (account: AccountRow, _args: unknown, context: UtilityContext) =>
    heldBy(await context.utility.metersByAccount.load(account.id), account.holderUserId),
  latestBill: async (account: AccountRow, _args: unknown, context: UtilityContext) => {
    const bill = await context.utility.latestBillByAccount.load(account.id);
    return bill ? heldBy([bill], account.holderUserId)[0] : null;
  },
};
