import { runSubgraph } from '../../shared/src/main.ts';
import { probation } from './server.ts';

await runSubgraph('probation', probation);
