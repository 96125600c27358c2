import { scalarResolvers } from '@kabinet/subgraph';
import { accountResolvers } from './account';
import { billResolvers } from './bill';
import { meterReadingResolvers } from './meter-reading';
import { meterResolvers } from './meter';
import { userResolvers } from './user';

export { accountResolvers, billResolvers, meterReadingResolvers, meterResolvers, userResolvers };

export interface UtilityNames {
  /** `ElectricityAccount` or `HeatAccount`. */
  accountType: string;
  /** The field contributed to `User`: `electricityAccounts` or `heatAccounts`. */
  accountsField: string;
}

/** The resolver map of a utility subgraph: the same code for electricity and heat. */
export function utilityResolvers({ accountType, accountsField }: UtilityNames) {
  return {
    ...scalarResolvers,
    User: userResolvers(accountsField),
    [accountType]: accountResolvers,
    Meter: meterResolvers,
    MeterReading: meterReadingResolvers,
    Bill: billResolvers,
  };
}
