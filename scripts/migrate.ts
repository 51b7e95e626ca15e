/**
 * `npm run migrate`: migrates the four subgraph databases the environment names, grants the
 * runtime roles their privileges, seeds reference data, and exits (0, or 1 naming the database
 * that failed). For deployments that migrate once before starting replicas with
 * HUB_MIGRATE_ON_START=false (a Kubernetes Job, a release step).
 *
 * Per subgraph: <SUBGRAPH>_DATABASE_URL (the runtime role), optionally
 * <SUBGRAPH>_MIGRATION_DATABASE_URL (the owner role migrations run as), their passwords apart in
 * <SUBGRAPH>_DATABASE_PASSWORD / <SUBGRAPH>_MIGRATION_DATABASE_PASSWORD, and X_FILE for each.
 * `--subgraph <name>` migrates one subgraph only.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadDatabaseConfig, SUBGRAPHS, type SubgraphName } from '../services/shared/src/env.ts';
import { migrateSubgraph, type SubgraphModule } from '../services/shared/src/main.ts';
import { municipality } from '../services/municipality/src/server.ts';
import { psychiatry } from '../services/psychiatry/src/server.ts';
import { probation } from '../services/probation/src/server.ts';
import { clinics } from '../services/clinics/src/server.ts';

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the four modules have different table and loader types; migrating needs neither
const MODULES: Record<SubgraphName, SubgraphModule<any, any>> = { municipality, psychiatry, probation, clinics };

const { values } = parseArgs({ options: { subgraph: { type: 'string' } } });
const chosen = values.subgraph ? [values.subgraph as SubgraphName] : [...SUBGRAPHS];
if (chosen.some((s) => !SUBGRAPHS.includes(s))) {
  console.error(`--subgraph must be one of ${SUBGRAPHS.join(', ')}`);
  process.exit(2);
}

const configs: Partial<Record<SubgraphName, ReturnType<typeof loadDatabaseConfig>>> = {};
const problems: string[] = [];
for (const s of chosen) {
  try {
    configs[s] = loadDatabaseConfig(s);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    problems.push(...err.problems);
  }
}
if (problems.length > 0) {
  console.error(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(78);
}

let failed = false;
for (const s of chosen) {
  try {
    await migrateSubgraph(MODULES[s], configs[s]!);
    console.log(`${s}: migrated${configs[s]!.runtimeRole ? `, runtime role ${configs[s]!.runtimeRole} granted` : ''}`);
  } catch (err) {
    failed = true;
    console.error(`${s}: migration failed: ${err instanceof Error ? err.message : String(err)}`);
  }
}
process.exit(failed ? 1 : 0);
