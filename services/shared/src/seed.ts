/** Runs a seed once per database, in one transaction, remembered in seed_run. */
import postgres from 'postgres';
import { drizzle, type PostgresJsDatabase } from 'drizzle-orm/postgres-js';
import { seedRun } from './seed-run.ts';

export async function seedOnce<S extends Record<string, unknown>>(
  databaseUrl: string,
  schema: S,
  name: string,
  fill: (tx: Parameters<Parameters<PostgresJsDatabase<S>['transaction']>[0]>[0]) => Promise<void>,
): Promise<boolean> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    const db = drizzle({ client: sql, schema });
    return await db.transaction(async (tx) => {
      const inserted = await tx.insert(seedRun).values({ name }).onConflictDoNothing().returning();
      if (inserted.length === 0) return false;
      await fill(tx);
      return true;
    });
  } finally {
    await sql.end();
  }
}
