import { runSubgraph } from '../../shared/src/main.ts';
import { municipality } from './server.ts';

await runSubgraph('municipality', municipality);
