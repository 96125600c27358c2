import { runSubgraphProcess } from '@kabinet/subgraph';
import { electricityModule } from './index';

await runSubgraphProcess(electricityModule);
