/** Reference data of the clinics subgraph: the local integrated clinics. */
import * as schema from './db/schema.ts';
import { seedOnce } from '../../shared/src/seed.ts';
import { organisationsOf } from '../../shared/src/directory.ts';

export async function seedReference(databaseUrl: string): Promise<void> {
  await seedOnce(databaseUrl, schema, 'reference', async (tx) => {
    await tx.insert(schema.clinic).values(organisationsOf('CLINIC').map((o) => ({ id: o.id, name: o.name, municipalityCode: o.municipalityCode ?? '' })));
  });
}
