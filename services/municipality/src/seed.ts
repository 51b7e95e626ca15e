/** Reference data of the municipality subgraph: the demo councils. */
import * as schema from './db/schema.ts';
import { seedOnce } from '../../shared/src/seed.ts';

export async function seedReference(databaseUrl: string): Promise<void> {
  await seedOnce(databaseUrl, schema, 'reference', async (tx) => {
    await tx.insert(schema.council).values([
      { id: 'council:local-1980', name: 'Lokalt samråd Västerås', level: 'LOCAL', regionCode: '19', municipalityCodes: ['1980'] },
      { id: 'council:local-0180', name: 'Lokalt samråd Stockholm', level: 'LOCAL', regionCode: '01', municipalityCodes: ['0180'] },
      { id: 'council:regional-19', name: 'Regionalt samråd Västmanland', level: 'REGIONAL', regionCode: '19', municipalityCodes: ['1980', '1981'] },
      { id: 'council:regional-01', name: 'Regionalt samråd Stockholm', level: 'REGIONAL', regionCode: '01', municipalityCodes: ['0180'] },
    ]);
  });
}
