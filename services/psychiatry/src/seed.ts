/** Reference data of the psychiatry subgraph: the wards that take planned withdrawal treatment. */
import * as schema from './db/schema.ts';
import { seedOnce } from '../../shared/src/seed.ts';

/** The wards every installation has (the demo data offers places on them). */
export const REFERENCE_WARDS = [
  // The routine: ward 91 adds 4 inpatient places for this group.
  { id: '91', organisationId: 'psychiatry:19', name: 'Avdelning 91, Västerås', places: 4 },
  { id: 'sthlm-beroende-1', organisationId: 'psychiatry:01', name: 'Beroendeavdelning 1, Region Stockholm', places: 6 },
] as const satisfies readonly schema.WardRow[];

export async function seedReference(databaseUrl: string): Promise<void> {
  await seedOnce(databaseUrl, schema, 'reference', async (tx) => {
    await tx.insert(schema.ward).values([...REFERENCE_WARDS]);
  });
}
