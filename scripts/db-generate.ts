/**
 * Generates drizzle migrations for every subgraph after a change to its
 * `src/db/schema.ts`: `npm run db:generate -- --name add_something`.
 * Migrations are committed and applied at start-up.
 */
import { spawnSync } from 'node:child_process';
import { SUBGRAPHS } from '../services/shared/src/env.ts';

const extra = process.argv.slice(2);
let failed = false;
for (const s of SUBGRAPHS) {
  console.log(`\n== ${s}`);
  const r = spawnSync('npx', ['drizzle-kit', 'generate', '--config', `services/${s}/drizzle.config.ts`, ...extra], { stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
