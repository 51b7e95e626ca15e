/**
 * `npm run audit:verify`: walks each subgraph's audit chain and reports the
 * first event whose link or content does not match (exit 1), or that every
 * chain is intact (exit 0).
 *
 * Databases: `<SUBGRAPH>_DATABASE_URL` (or its _FILE, with <SUBGRAPH>_DATABASE_PASSWORD) when set (production); otherwise the
 * development installation (HUB_POSTGRES_URL, or the embedded server, which
 * is started for the check if `npm start` is not running).
 * `--subgraph <name>` checks one subgraph only.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadDatabaseConfig, SUBGRAPHS, type SubgraphName } from '../services/shared/src/env.ts';
import { createPool, withDatabase } from '../services/shared/src/db.ts';
import { verifyAuditChain } from '../services/shared/src/audit.ts';
import type { EmbeddedServer } from './embedded-postgres.ts';
import { developmentPostgres } from './development-postgres.ts';
import { readLocalState } from './local-state.ts';

const { values } = parseArgs({ options: { subgraph: { type: 'string' } } });
const chosen = values.subgraph ? [values.subgraph as SubgraphName] : [...SUBGRAPHS];
if (chosen.some((s) => !SUBGRAPHS.includes(s))) {
  console.error(`--subgraph must be one of ${SUBGRAPHS.join(', ')}`);
  process.exit(2);
}

let embedded: EmbeddedServer | undefined;
const urls: Partial<Record<SubgraphName, string>> = {};
const fromEnv = chosen.every((s) => process.env[`${s.toUpperCase()}_DATABASE_URL`] || process.env[`${s.toUpperCase()}_DATABASE_URL_FILE`]);
if (fromEnv) {
  // as the subgraphs read them: X_FILE, a password apart from its URL (the runtime role may read the audit tables)
  try {
    for (const s of chosen) urls[s] = loadDatabaseConfig(s).databaseUrl;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(err.message);
    process.exit(78);
  }
} else {
  const server = await developmentPostgres(readLocalState());
  if (!server) {
    console.error('No databases to check: set <SUBGRAPH>_DATABASE_URL, or run `npm start` once to create the development installation.');
    process.exit(2);
  }
  embedded = server.embedded;
  for (const s of chosen) urls[s] = withDatabase(server.url, `hub_${s}`);
}

let broken = false;
try {
  for (const s of chosen) {
    const pool = createPool(urls[s]!, 1);
    try {
      const result = await verifyAuditChain(pool);
      if (result.ok) {
        console.log(`${s}: ${result.rows} audit events, chain intact`);
      } else {
        broken = true;
        console.log(`${s}: BROKEN at audit event seq ${result.brokenAt.seq} (id ${result.brokenAt.id}): ${result.brokenAt.reason}`);
      }
    } finally {
      await pool.end();
    }
  }
} finally {
  await embedded?.stop();
}
process.exit(broken ? 1 : 0);
