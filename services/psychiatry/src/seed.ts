/** Reference data of the psychiatry subgraph: the wards that take planned withdrawal treatment. */
import * as schema from './db/schema.ts';
import { seedOnce } from '../../shared/src/seed.ts';

export async function seedReference(databaseUrl: string): Promise<void> {
  await seedOnce(databaseUrl, schema, 'reference', async (tx) => {
    await tx.insert(schema.ward).values([
      // The routine: ward 91 adds 4 inpatient places for this group.
      { id: '91', organisationId: 'psychiatry:19', name: 'Avdelning 91, Västerås', places: 4 },
      { id: 'sthlm-beroende-1', organisationId: 'psychiatry:01', name: 'Beroendeavdelning 1, Region Stockholm', places: 6 },
    ]);
  });
}
