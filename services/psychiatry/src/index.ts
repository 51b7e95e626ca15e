import { runSubgraph } from '../../shared/src/main.ts';
import { psychiatry } from './server.ts';

await runSubgraph('psychiatry', psychiatry);
