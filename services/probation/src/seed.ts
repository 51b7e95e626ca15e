/** Reference data of the probation subgraph: none yet beyond the directory. */
import * as schema from './db/schema.ts';
import { seedOnce } from '../../shared/src/seed.ts';

export async function seedReference(databaseUrl: string): Promise<void> {
  await seedOnce(databaseUrl, schema, 'reference', async () => {});
}
