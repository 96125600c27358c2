import { runSubgraphProcess } from '@kabinet/subgraph';
import { identityModule } from './index';

await runSubgraphProcess(identityModule);
