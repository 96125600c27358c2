import { runSubgraphProcess } from '@kabinet/subgraph';
import { heatModule } from './index';

await runSubgraphProcess(heatModule);
