import { utilityResolvers } from '@kabinet/utility-core';

/** Electricity adds no resolvers of its own yet: accounts, meters and bills are the shared utility ones. */
export const resolvers = utilityResolvers({ accountType: 'ElectricityAccount', accountsField: 'electricityAccounts' });
