import { utilityTypeResolvers } from '@kabinet/utility-core';

/** Heat's account pages come from the shared core; its own root fields (linking, readings, billing) come with the heat issue. */
export const resolvers = utilityTypeResolvers({ accountType: 'HeatAccount', accountsField: 'heatAccounts' });
