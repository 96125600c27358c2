import { createUtilityModule } from '@kabinet/utility-core';
import * as tables from './db/schema';
import { demoSuppliers } from './demo';

export const electricityModule = createUtilityModule({
  name: 'electricity',
  sdlFile: new URL('../schema.graphql', import.meta.url),
  migrationsFolder: new URL('../drizzle', import.meta.url),
  tables,
  accountType: 'ElectricityAccount',
  userField: 'electricityAccounts',
  demoSuppliers,
});

export const typeDefs = electricityModule.typeDefs;
