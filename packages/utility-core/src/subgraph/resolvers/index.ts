import { scalarResolvers } from '@kabinet/subgraph';
import type { Resolvers } from '../generated/resolvers-types';
import { accountResolvers } from './account';
import { billLineResolvers, billMeterReadingResolvers, billResolvers } from './bill';
import { appealResolvers, billingRunResolvers, ledgerEntryResolvers } from './cabinet-types';
import { meterReadingResolvers } from './meter-reading';
import { meterResolvers } from './meter';
import { cabinetMutation, cabinetQuery } from './operations';
import { supplierResolvers } from './supplier';
import { userResolvers } from './user';

export { chargeLines, preliminaryCharge } from './operations';
export type * from '../parents';

/**
 * The resolvers of a utility subgraph, the same code for electricity and heat, under the neutral
 * names of the generated types (`CabinetAccount`, `User.cabinetAccounts`, `linkCabinetAccount`);
 * `cabinetResolvers()` names them for one utility.
 */
export const neutralCabinetResolvers = {
  ...scalarResolvers,
  User: userResolvers,
  CabinetAccount: accountResolvers,
  Supplier: supplierResolvers,
  Meter: meterResolvers,
  MeterReading: meterReadingResolvers,
  Bill: billResolvers,
  BillLine: billLineResolvers,
  BillMeterReading: billMeterReadingResolvers,
  LedgerEntry: ledgerEntryResolvers,
  BillingRun: billingRunResolvers,
  Appeal: appealResolvers,
  Query: cabinetQuery,
  Mutation: cabinetMutation,
} satisfies Resolvers;
