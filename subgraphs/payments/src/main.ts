import { runSubgraphProcess } from '@kabinet/subgraph';
import { paymentsModule } from './index';

await runSubgraphProcess(paymentsModule);
