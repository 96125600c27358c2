import { describeUtilitySubgraph } from '@kabinet/utility-core/testing';
import * as tables from './db/schema';
import { demoSuppliers } from './demo';
import { heatModule } from './index';

describeUtilitySubgraph({
  name: 'heat',
  accountType: 'HeatAccount',
  accountsField: 'heatAccounts',
  tables,
  demoSuppliers,
  module: heatModule,
});
