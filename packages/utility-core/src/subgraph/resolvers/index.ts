import { scalarResolvers } from '@kabinet/subgraph';
import { accountResolvers } from './account';
import { billResolvers } from './bill';
import { appealResolvers, billingRunResolvers, ledgerEntryResolvers } from './cabinet-types';
import { meterReadingResolvers } from './meter-reading';
import { meterResolvers } from './meter';
import { supplierResolvers } from './supplier';
import { userResolvers } from './user';

export { cabinetOperations, chargeLines, preliminaryCharge } from './operations';

export interface UtilityNames {
  /** `ElectricityAccount` or `HeatAccount`. */
  accountType: string;
  /** The field contributed to `User`: `electricityAccounts` or `heatAccounts`. */
  accountsField: string;
}

/** The type resolvers of a utility subgraph: the same code for electricity and heat. Root fields are each subgraph's own. */
export function utilityTypeResolvers({ accountType, accountsField }: UtilityNames) {
  return {
    ...scalarResolvers,
    User: userResolvers(accountsField),
    [accountType]: accountResolvers,
    Supplier: supplierResolvers,
    Meter: meterResolvers,
    MeterReading: meterReadingResolvers,
    Bill: billResolvers,
    LedgerEntry: ledgerEntryResolvers,
    BillingRun: billingRunResolvers,
    Appeal: appealResolvers,
  };
}
