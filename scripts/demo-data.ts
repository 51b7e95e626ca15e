/**
 * Demo data for a development installation, seeded on first start only
 * (each subgraph remembers it in seed_run). Personal demo records arrive with
 * the capabilities that hold them; the reference data (wards, clinics,
 * councils) is seeded with the migrations.
 */
import type { SubgraphName } from '../services/shared/src/env.ts';

export async function seedDemo(_databaseUrls: Record<SubgraphName, string>, _personIdSecret: string): Promise<boolean> {
  return false;
}
