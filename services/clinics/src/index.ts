import { runSubgraph } from '../../shared/src/main.ts';
import { clinics } from './server.ts';

await runSubgraph('clinics', clinics);
