import { describeUtilitySubgraph } from '@kabinet/utility-core/testing';
import * as tables from './db/schema';
import { demoSuppliers } from './demo';
import { electricityModule } from './index';

describeUtilitySubgraph({
  name: 'electricity',
  accountType: 'ElectricityAccount',
  accountsField: 'electricityAccounts',
  tables,
  demoSuppliers,
  module: electricityModule,
});
